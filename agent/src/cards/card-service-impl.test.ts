/**
 * The card service over the fake binding with the test bench's card models in process: events, card typing,
 * reader choice, identity cache across reinsertion, PIN/sign flows, serialisation, service loss, log redaction.
 */
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import type { CardServiceEvent } from "@cps-bridge/agent/card-service";
import { loadTestPki } from "@cps-bridge/scripts/testbed/pki";
import { DEFAULT_HOLDERS } from "@cps-bridge/scripts/testbed/profiles";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger, silentLogger } from "../log";
import { CardServiceImpl } from "./card-service-impl";
import { FakeBinding, inProcessCard } from "./in-process-cards";

const ascii = (s: string) => new TextEncoder().encode(s);
const digest = new Uint8Array(createHash("sha256").update("login").digest());
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timeout");
    await new Promise((r) => setTimeout(r, 5));
  }
};

let anchorsPath: string;
beforeAll(async () => {
  anchorsPath = (await loadTestPki()).anchorsPath;
}, 120_000);

const services: CardServiceImpl[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});

function service(binding: FakeBinding, extra: Partial<ConstructorParameters<typeof CardServiceImpl>[0]> = {}) {
  const events: CardServiceEvent[] = [];
  const svc = new CardServiceImpl({
    binding,
    logger: silentLogger(),
    testMode: true,
    testAnchorsPath: anchorsPath,
    backoffMs: [20, 40],
    ...extra,
  });
  svc.subscribe((e) => events.push(e));
  services.push(svc);
  return { svc, events };
}

describe("CardServiceImpl", () => {
  it("types the card at insertion from its ATR, then reads holder, certificate, chain and PIN status", async () => {
    const binding = new FakeBinding();
    binding.addReader("R1");
    const { svc, events } = service(binding);
    await svc.start();
    const cps3 = await inProcessCard("cps3");
    binding.insert("R1", cps3.spec);
    await until(() => events.some((e) => e.type === "card.updated"));
    const inserted = events.find((e) => e.type === "card.inserted");
    expect(inserted).toMatchObject({ reader: { name: "R1", state: "present", cardType: "cps3" } });
    const status = await svc.cardStatus();
    expect(status).toMatchObject({
      name: "R1",
      cardType: "cps3",
      holder: { nationalId: DEFAULT_HOLDERS.cps3.nationalId, surname: "TESTCPS", profession: "Médecin" },
      certificate: {
        chain: "test",
        validity: "valid",
        issuer: expect.stringContaining("TEST AC IGC-SANTE FORT PERSONNES"),
      },
      pin: { triesLeft: 3, maxTries: 3, blocked: false, verified: false },
    });
    expect(status.serial).toMatch(/^\d{10}$/);
    expect(svc.readers()).toHaveLength(1);
  });

  it("outside test mode the same card is untrusted", async () => {
    const binding = new FakeBinding();
    binding.addReader("R1");
    binding.insert("R1", (await inProcessCard("cps3")).spec);
    const { svc } = service(binding, { testMode: false });
    await svc.start();
    expect((await svc.cardStatus()).certificate?.chain).toBe("untrusted");
  });

  it("never sends an APDU to a Vitale card, and probes an unknown ATR with SELECTs only", async () => {
    const binding = new FakeBinding();
    binding.addReader("R1");
    binding.addReader("R2");
    const { svc } = service(binding);
    await svc.start();
    binding.insert("R1", (await inProcessCard("vitale2")).spec);
    binding.insert("R2", (await inProcessCard("unknown")).spec);
    await until(() => svc.readers().every((r) => r.cardType));
    const s1 = await svc.cardStatus({ reader: "R1" });
    const s2 = await svc.cardStatus({ reader: "R2" });
    expect(s1.cardType).toBe("vitale2");
    expect(s2.cardType).toBe("unknown");
    expect(binding.transmitted.filter((t) => t.reader === "R1")).toHaveLength(0);
    const probes = binding.transmitted.filter((t) => t.reader === "R2");
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((t) => t.command[1] === 0xa4 && t.command[2] === 0x04)).toBe(true);
    await expect(svc.cardStatus()).rejects.toMatchObject({ code: "ERR_NOT_A_CPS" });
    await expect(svc.pinStatus({ reader: "R1" })).rejects.toMatchObject({
      code: "ERR_NOT_A_CPS",
      details: { cardType: "vitale2" },
    });
  });

  it("picks the reader holding the CPS card among several", async () => {
    const binding = new FakeBinding();
    for (const r of ["A", "B", "C"]) binding.addReader(r);
    binding.insert("A", (await inProcessCard("bank")).spec);
    binding.insert("C", (await inProcessCard("cps4")).spec);
    const { svc } = service(binding);
    await svc.start();
    expect((await svc.cardStatus()).name).toBe("C");
    expect((await svc.pinStatus()).triesLeft).toBe(3);
  });

  it("hands out one frozen copy per state: a caller cannot change the agent's view of the card", async () => {
    const binding = new FakeBinding();
    binding.addReader("R1");
    binding.insert("R1", (await inProcessCard("cps3")).spec);
    const { svc } = service(binding);
    await svc.start();
    const a = await svc.cardStatus();
    expect(Object.isFrozen(a) && Object.isFrozen(a.holder) && Object.isFrozen(a.pin)).toBe(true);
    expect(() => {
      (a.holder as { surname: string }).surname = "MALLORY";
    }).toThrow(TypeError);
    const b = await svc.cardStatus();
    expect(b).toBe(a);
    expect(b.holder?.surname).toBe("TESTCPS");
    await expect(svc.verifyPin(new TextEncoder().encode("0000"))).rejects.toMatchObject({ code: "ERR_PIN_INCORRECT" });
    const c = await svc.cardStatus();
    expect(c).not.toBe(a);
    expect(c.pin?.triesLeft).toBe(2);
    expect(a.pin?.triesLeft).toBe(3);
  });

  it("reports mute cards, empty readers and no readers with their codes", async () => {
    const binding = new FakeBinding();
    const { svc } = service(binding);
    await svc.start();
    await expect(svc.cardStatus()).rejects.toMatchObject({ code: "ERR_NO_READERS" });
    binding.addReader("R1");
    await until(() => svc.readers().length === 1);
    await expect(svc.cardStatus()).rejects.toMatchObject({ code: "ERR_NO_CARD" });
    expect(await svc.cardStatus({ reader: "R1" })).toEqual({ name: "R1", state: "empty" });
    binding.insert("R1", { atr: null, respond: () => new Uint8Array([0x6f, 0x00]) });
    await until(() => svc.readers()[0]?.state === "mute");
    expect(svc.readers()[0]).toMatchObject({ state: "mute", cardType: "mute" });
    await expect(svc.cardStatus()).rejects.toMatchObject({ code: "ERR_CARD_MUTE" });
    await expect(svc.cardStatus({ reader: "nope" })).rejects.toMatchObject({ code: "ERR_READER_NOT_FOUND" });
  });

  it("a card taken out and put back costs only its serial read", async () => {
    const binding = new FakeBinding();
    binding.addReader("R1");
    const { svc } = service(binding);
    await svc.start();
    const card = await inProcessCard("cps3");
    binding.insert("R1", card.spec);
    // The supervisor forwards the binding's events asynchronously, as the native monitor's arrive.
    await until(() => svc.readers()[0]?.state === "present");
    await svc.cardStatus();
    binding.remove("R1");
    await until(() => svc.readers()[0]?.state === "empty");
    const before = card.commands.length;
    card.card.powerOn();
    binding.insert("R1", card.spec);
    await until(() => svc.readers()[0]?.state === "present");
    const again = await svc.cardStatus();
    expect(again.holder?.surname).toBe("TESTCPS");
    // readIdentity: SELECT app, SELECT EF.SN.ICC, READ BINARY; then the PIN status (SELECT app, SELECT MF,
    // GET DATA + GET RESPONSE, SELECT app) — no PKCS#15 file, no certificate.
    const sent = card.commands.slice(before);
    expect(sent.filter((c) => c[1] === 0xb0)).toHaveLength(1);
    expect(sent.length).toBeLessThanOrEqual(9);
  });

  it("verifies the PIN, signs, and updates the PIN status; wrong PIN updates tries", async () => {
    const binding = new FakeBinding();
    binding.addReader("R1");
    const { svc, events } = service(binding);
    await svc.start();
    binding.insert("R1", (await inProcessCard("cps3", { pin: "9753" })).spec);
    await until(() => svc.readers()[0]?.state === "present");
    await svc.cardStatus();
    await expect(svc.verifyPin(ascii("1111"))).rejects.toMatchObject({ code: "ERR_PIN_INCORRECT" });
    expect(svc.readers()[0]!.pin).toMatchObject({ triesLeft: 2 });
    expect(events.filter((e) => e.type === "card.updated").at(-1)).toMatchObject({ reader: { pin: { triesLeft: 2 } } });
    const pin = ascii("9753");
    expect(await svc.verifyPin(pin)).toMatchObject({ verified: true, triesLeft: 3 });
    expect(pin.every((b) => b === 0)).toBe(true);
    const r = await svc.signAuth(digest, "RS256");
    expect(r.signature.length).toBe(256);
    expect(r.algorithm).toBe("RS256");
    expect(r.certificate[0]).toBe(0x30);
  });

  it("wipes the PIN even when no card can take it", async () => {
    const binding = new FakeBinding();
    const { svc } = service(binding);
    await svc.start();
    const pin = ascii("1234");
    await expect(svc.verifyPin(pin)).rejects.toMatchObject({ code: "ERR_NO_READERS" });
    expect(pin.every((b) => b === 0)).toBe(true);
  });

  it("serialises two concurrent callers on one reader; wait:false gets ERR_ACTION_PENDING", async () => {
    const binding = new FakeBinding();
    binding.addReader("R1");
    let inFlight = 0;
    let maxInFlight = 0;
    const card = await inProcessCard("cps3", {}, (inner) => async (cmd) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return inner(cmd);
    });
    binding.insert("R1", card.spec);
    const { svc } = service(binding);
    await svc.start();
    await svc.cardStatus();
    const order: string[] = [];
    const a = svc.pinStatus().then(() => order.push("a"));
    const b = svc.verifyPin(ascii("1234")).then(() => order.push("b"));
    await expect(svc.pinStatus({ wait: false })).rejects.toMatchObject({ code: "ERR_ACTION_PENDING" });
    await Promise.all([a, b]);
    expect(order).toEqual(["a", "b"]);
    expect(maxInFlight).toBe(1);
  });

  it("survives the PC/SC service going away and coming back", async () => {
    const binding = new FakeBinding();
    binding.addReader("R1");
    binding.insert("R1", (await inProcessCard("cps4")).spec);
    const { svc, events } = service(binding);
    await svc.start();
    await svc.cardStatus();
    binding.stopService();
    await until(() => svc.pcscState() === "down");
    expect(svc.readers()).toHaveLength(0);
    await expect(svc.cardStatus()).rejects.toMatchObject({ code: "ERR_PCSC_SERVICE_DOWN" });
    binding.startService();
    await until(() => svc.pcscState() === "up");
    await until(() => svc.readers()[0]?.state === "present");
    expect((await svc.cardStatus()).holder?.surname).toBe("TESTCPSQUATRE");
    expect(events.filter((e) => e.type === "pcsc.state").map((e) => (e as { state: string }).state)).toEqual([
      "up",
      "down",
      "up",
    ]);
  });

  it("keeps serving after a card that cannot be read (errorCode), and logs no PIN", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "trace",
      destination: new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
    });
    const binding = new FakeBinding();
    binding.addReader("R1");
    binding.addReader("R2");
    const { svc } = service(binding, { logger });
    await svc.start();
    binding.insert("R1", (await inProcessCard("cps3", { corrupt: "certificate-der" })).spec);
    binding.insert("R2", (await inProcessCard("cps3", { pin: "86420135" })).spec);
    expect((await svc.cardStatus({ reader: "R1" })).errorCode).toBe("ERR_CARD_DATA_INVALID");
    await svc.verifyPin(ascii("86420135"), { reader: "R2" });
    await svc.verifyPin(ascii("11112222"), { reader: "R2" }).catch(() => {});
    const all = lines.join("");
    expect(all).toContain("PIN verified");
    expect(all).toContain('"event":"apdu"');
    for (const secret of ["86420135", "3836343230313335", "11112222", "3131313132323232"]) {
      expect(all.toUpperCase()).not.toContain(secret);
    }
    expect(all).not.toContain(DEFAULT_HOLDERS.cps3.nationalId);
  });
});
