/** The runner and the checks on in-process fakes (the real PC/SC run is diagnose.itest.ts). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PcscState, ReaderStatus } from "@cps-bridge/protocol/model";
import { describe, expect, it } from "vitest";
import type { CardService } from "../card-service";
import { silentLogger } from "../log";
import type { AgentCheck } from "./check";
import { createDiagContext, linuxUsbDevices, type UsbDevice } from "./context";
import { allowedPortalOrigin } from "./portals";
import { AGENT_CHECKS } from "./registry";
import { runDiagnostics } from "./run";
import { runChecks } from "./runner";

function fakeCards(readers: ReaderStatus[], pcsc: PcscState = "up"): CardService {
  return {
    start: async () => {},
    stop: async () => {},
    pcscState: () => pcsc,
    readers: () => readers,
    cardStatus: async (o) => readers.find((r) => r.name === o?.reader) ?? readers[0]!,
    pinStatus: async () => ({ triesLeft: 3, maxTries: 3, blocked: false, verified: false }),
    verifyPin: async () => {
      throw new Error("never");
    },
    signAuth: async () => {
      throw new Error("never");
    },
    subscribe: () => () => {},
  };
}

const ctxWith = (cards: CardService, usb: UsbDevice[] = []) =>
  createDiagContext({
    cards,
    log: silentLogger(),
    agentVersion: "0.1.0",
    agentRunning: async () => ({ running: true, port: 4711 }),
    portalOrigin: "http://127.0.0.1:1",
    fetch: (async () => new Response("ok", { headers: { date: new Date().toUTCString() } })) as typeof fetch,
    usbDevices: async () => usb,
    testMode: true,
  });

const byId = async (cards: CardService, usb: UsbDevice[] = []) =>
  Object.fromEntries((await runDiagnostics(ctxWith(cards, usb))).results.map((r) => [r.id, r]));

const check = (id: AgentCheck["id"], dependsOn: AgentCheck["id"][], run: AgentCheck["run"]): AgentCheck => ({
  id,
  dependsOn,
  codes: [],
  summary: "",
  run,
});

describe("runner", () => {
  it("skips dependents of a failed check, naming it; isolates a throwing check; reports each result live", async () => {
    const seen: string[] = [];
    const results = await runChecks(
      [
        check("pcsc.service", [], async () => ({ verdict: "failed", code: "DIAG_PCSC_DOWN", facts: {} })),
        check("readers.visible", ["pcsc.service"], async () => ({ verdict: "ok", code: "DIAG_READERS_OK", facts: {} })),
        check("card.present", ["readers.visible"], async () => ({
          verdict: "ok",
          code: "DIAG_CARD_PRESENT",
          facts: {},
        })),
        check("portal.reachable", [], async () => {
          throw new Error("boom");
        }),
      ],
      ctxWith(fakeCards([])),
      { onResult: (r) => seen.push(r.id) },
    );
    const r = Object.fromEntries(results.map((x) => [x.id, x]));
    expect(r["readers.visible"]).toMatchObject({ verdict: "skipped", skippedBecause: "pcsc.service" });
    expect(r["card.present"]).toMatchObject({ verdict: "skipped", skippedBecause: "readers.visible" });
    expect(r["portal.reachable"]).toMatchObject({ verdict: "failed", code: "DIAG_CHECK_CRASHED", blocking: false });
    expect(seen).toHaveLength(4);
    expect(results.map((x) => x.id)).toEqual(["pcsc.service", "readers.visible", "card.present", "portal.reachable"]);
  });

  it("runs independent checks concurrently", async () => {
    const slow = (id: AgentCheck["id"]) =>
      check(id, [], async () => {
        await new Promise((r) => setTimeout(r, 100));
        return { verdict: "ok", code: "DIAG_PCSC_UP", facts: {} };
      });
    const t0 = performance.now();
    await runChecks([slow("pcsc.service"), slow("portal.reachable"), slow("agent.running")], ctxWith(fakeCards([])));
    expect(performance.now() - t0).toBeLessThan(280);
  });

  it("runs an opt-in check only when asked", async () => {
    const ctx = ctxWith(fakeCards([]));
    const optIn = {
      ...check("cert.revocation", [], async () => ({ verdict: "ok" as const, code: "X", facts: {} })),
      optIn: true,
    };
    expect(await runChecks([optIn], ctx)).toHaveLength(0);
    expect(await runChecks([optIn], ctx, { optIn: ["cert.revocation"] })).toHaveLength(1);
  });
});

describe("checks on fakes", () => {
  it("PC/SC down: failed with the OS's start command; everything card-related skipped", async () => {
    const r = await byId(fakeCards([], "down"));
    expect(r["pcsc.service"]).toMatchObject({ verdict: "failed", code: "DIAG_PCSC_DOWN" });
    expect(r["pcsc.service"]!.params?.startCommand).toContain("systemctl");
    expect(r["card.type"]?.verdict).toBe("skipped");
  });

  it("no PC/SC reader but a SESAM-Vitale reader on USB: the USB check names it first, readers.visible skipped", async () => {
    const ingenico = { vendorId: "0b00", productId: "0090", product: "Ingenico iHC", interfaceClasses: ["ff"] };
    const r = await byId(fakeCards([]), [ingenico]);
    expect(r["readers.usb"]).toMatchObject({ verdict: "failed", code: "DIAG_USB_READER_NOT_PCSC" });
    expect(r["readers.usb"]!.params?.device).toContain("0B00:0090");
    expect(r["readers.visible"]).toMatchObject({ verdict: "skipped", skippedBecause: "readers.usb" });
    const none = await byId(fakeCards([]), [{ vendorId: "046d", productId: "c52b", interfaceClasses: ["03"] }]);
    expect(none["readers.visible"]).toMatchObject({ verdict: "failed", code: "DIAG_NO_READER" });
  });

  it("a CCID reader seen by PC/SC is fine", async () => {
    const r = await byId(fakeCards([{ name: "R", state: "empty" }]), [
      { vendorId: "08e6", productId: "3437", interfaceClasses: ["0b"] },
    ]);
    expect(r["readers.usb"]?.verdict).toBe("ok");
    expect(r["card.present"]).toMatchObject({ verdict: "failed", code: "DIAG_NO_CARD" });
  });

  it("last PIN try is a warning; a contactless CPS3 a warning; a CPS2ter cannot log in", async () => {
    const base = { name: "R", state: "present" as const, atr: "3B" };
    expect(
      (
        await byId(
          fakeCards([
            { ...base, cardType: "cps3", pin: { triesLeft: 1, maxTries: 3, blocked: false, verified: false } },
          ]),
        )
      )["pin.status"],
    ).toMatchObject({ verdict: "warning", code: "DIAG_PIN_LAST_TRY" });
    expect((await byId(fakeCards([{ ...base, cardType: "cps3-contactless" }])))["card.type"]?.code).toBe(
      "DIAG_CARD_CONTACTLESS",
    );
    expect((await byId(fakeCards([{ ...base, cardType: "cps2ter" }])))["card.type"]?.code).toBe("DIAG_CARD_OLD_CPS");
  });

  it("the registry has one check per id, dependencies registered before use, and codes it can produce", () => {
    const ids = AGENT_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of AGENT_CHECKS) for (const d of c.dependsOn) expect(ids, `${c.id} → ${d}`).toContain(d);
  });
});

describe("context and portals", () => {
  it("reads a Linux sysfs USB tree under the fs root", async () => {
    const root = mkdtempSync(join(tmpdir(), "diag-usb-"));
    const dev = join(root, "sys/bus/usb/devices/1-1");
    const itf = join(root, "sys/bus/usb/devices/1-1:1.0");
    mkdirSync(dev, { recursive: true });
    mkdirSync(itf, { recursive: true });
    writeFileSync(join(dev, "idVendor"), "08e6\n");
    writeFileSync(join(dev, "idProduct"), "3437\n");
    writeFileSync(join(dev, "product"), "USB SmartCard Reader\n");
    writeFileSync(join(itf, "bInterfaceClass"), "0b\n");
    expect(await linuxUsbDevices(root)).toEqual([
      { vendorId: "08e6", productId: "3437", product: "USB SmartCard Reader", interfaceClasses: ["0b"] },
    ]);
    expect(await linuxUsbDevices(join(root, "nowhere"))).toEqual([]);
  });

  it("contacts only the ViaTrajectoire hosts, loopback only in test mode", () => {
    expect(allowedPortalOrigin(undefined, false)).toBe("https://trajectoire.sante-ra.fr");
    expect(allowedPortalOrigin("https://viatrajectoire.fr", false)).toBe("https://viatrajectoire.fr");
    expect(allowedPortalOrigin("http://127.0.0.1:8443", false)).toBeUndefined();
    expect(allowedPortalOrigin("http://127.0.0.1:8443", true)).toBe("http://127.0.0.1:8443");
    expect(allowedPortalOrigin("https://evil.example", true)).toBeUndefined();
    expect(allowedPortalOrigin("https://trajectoire.sante-ra.fr/x", false)).toBeUndefined();
  });
});
