/**
 * The card service against the real PC/SC stack (pcscd + vsmartcard-vpcd + the test bench's virtual cards; the
 * `smartcard` binding is never mocked): every profile is typed, read and judged; CPS3 and CPS4 sign; the CLI's
 * `card --json` shows the holders and verdicts.
 */
import { execFile } from "node:child_process";
import { createHash, verify as rsaVerify } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CardServiceEvent } from "@cps-bridge/agent/card-service";
import { type ProfileName, Testbed } from "@cps-bridge/scripts/testbed/index";
import { DEFAULT_HOLDERS } from "@cps-bridge/scripts/testbed/profiles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CardJson } from "../cli/card";
import { silentLogger } from "../log";
import { CardServiceImpl } from "./card-service-impl";
import { verdictOf } from "./verdict";

const run = promisify(execFile);
const ascii = (s: string) => new TextEncoder().encode(s);
const sha256 = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());

let tb: Testbed;
let svc: CardServiceImpl;
const events: CardServiceEvent[] = [];
let R0: string;

beforeAll(async () => {
  tb = await Testbed.start();
  R0 = tb.readers[0]!.name;
  svc = new CardServiceImpl({ logger: silentLogger(), testMode: true, testAnchorsPath: tb.trustAnchorsPath });
  svc.subscribe((e) => events.push(e));
  svc.observeExchanges((r) => {
    if (r.reader === R0) sentToR0.push(r.header);
  });
  await svc.start();
}, 120_000);

afterAll(async () => {
  await svc?.stop();
  await tb?.stop();
});

/** Resolves when the service has emitted `type` for `reader` after event number `from`. */
async function seen(from: number, type: CardServiceEvent["type"], reader: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const match = (e: CardServiceEvent) =>
    e.type === type && ("reader" in e ? (typeof e.reader === "string" ? e.reader : e.reader.name) === reader : false);
  while (!events.slice(from).some(match)) {
    if (Date.now() > end) throw new Error(`no ${type} for ${reader}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Raw exchanges this agent made on reader 0 (other PC/SC clients on the machine are not counted). */
const sentToR0: string[] = [];

/** Puts `profile` in reader 0 (whatever was there leaves) and waits until the service has read it. */
async function put(profile: ProfileName, options: Parameters<Testbed["insert"]>[2] = {}) {
  if (tb.card(0)) await tb.remove(0);
  const from = events.length;
  sentToR0.length = 0;
  const card = await tb.insert(0, profile, options);
  await seen(from, "card.inserted", R0);
  const status = await svc.cardStatus({ reader: R0 });
  return { card, status };
}

describe("every profile through pcscd", () => {
  it.each([
    ["cps3", DEFAULT_HOLDERS.cps3],
    ["cps4", DEFAULT_HOLDERS.cps4],
    ["cps4-t0", DEFAULT_HOLDERS.cps4],
  ] as const)("%s: holder, certificate (test chain), 3 tries, ready", async (profile, holder) => {
    const { status } = await put(profile);
    expect(status).toMatchObject({
      state: "present",
      cardType: profile === "cps3" ? "cps3" : "cps4",
      holder: { ...holder, idType: "RPPS", kind: "CPS" },
      certificate: { chain: "test", validity: "valid" },
      pin: { triesLeft: 3, maxTries: 3, blocked: false, verified: false },
    });
    expect(status.serial).toMatch(/^\d{10}$/);
    expect(verdictOf(status).level).toBe("ok");
  });

  it("cps3-blocked: blocked verdict, and no PIN is ever sent", async () => {
    const { status, card } = await put("cps3-blocked");
    expect(status.pin).toEqual({ triesLeft: 0, maxTries: 3, blocked: true, verified: false });
    expect(verdictOf(status)).toMatchObject({ level: "error", code: "ERR_PIN_BLOCKED" });
    await expect(svc.verifyPin(ascii("1234"), { reader: R0, confirmLastTry: true })).rejects.toMatchObject({
      code: "ERR_PIN_BLOCKED",
    });
    expect(card.triesLeft()).toBe(0);
  });

  it("cps3-last-try: warning; the PIN is refused without confirmation and accepted with it", async () => {
    const { status, card } = await put("cps3-last-try");
    expect(status.pin?.triesLeft).toBe(1);
    expect(verdictOf(status)).toMatchObject({ level: "warning", code: "ERR_PIN_LAST_TRY" });
    await expect(svc.verifyPin(ascii("1234"), { reader: R0 })).rejects.toMatchObject({ code: "ERR_PIN_LAST_TRY" });
    expect(card.triesLeft()).toBe(1);
    expect(await svc.verifyPin(ascii("1234"), { reader: R0, confirmLastTry: true })).toMatchObject({ verified: true });
  });

  it.each([
    ["cps3-expired", "expired", "ERR_CERT_EXPIRED"],
    ["cps3-not-yet-valid", "not-yet-valid", "ERR_CERT_NOT_YET_VALID"],
  ] as const)("%s: certificate %s", async (profile, validity, code) => {
    const { status } = await put(profile);
    expect(status.certificate).toMatchObject({ validity, chain: "test" });
    expect(verdictOf(status)).toMatchObject({ level: "error", code });
  });

  it("cpe: structure holder", async () => {
    const { status } = await put("cpe");
    expect(status.holder).toMatchObject({
      nationalId: DEFAULT_HOLDERS.cpe.nationalId,
      idType: "structure",
      kind: "CPE",
    });
  });

  it("cps3-contactless: read, no PIN", async () => {
    const { status } = await put("cps3-contactless");
    expect(status.cardType).toBe("cps3-contactless");
    expect(status.holder?.surname).toBe(DEFAULT_HOLDERS.cps3.surname);
    expect(status.pin).toBeUndefined();
    expect(verdictOf(status).level).toBe("warning");
  });

  it.each([
    ["vitale2", "vitale2", "Carte Vitale : insérez votre carte CPS"],
    ["vitale1", "vitale1", "Carte Vitale : insérez votre carte CPS"],
    ["cnie", "cnie", "Carte nationale d'identité : insérez votre carte CPS"],
    ["bank", "bank", "Carte bancaire : insérez votre carte CPS"],
  ] as const)("%s: typed from the ATR, no APDU sent, French verdict", async (profile, type, fr) => {
    const { status } = await put(profile);
    expect(status).toMatchObject({ state: "present", cardType: type });
    expect(status.holder).toBeUndefined();
    expect(verdictOf(status)).toMatchObject({ level: "error", code: "ERR_NOT_A_CPS", fr });
    expect(sentToR0).toEqual([]);
    await expect(svc.cardStatus()).rejects.toMatchObject({ code: "ERR_NOT_A_CPS", details: { cardType: type } });
  });

  it("cps2ter: a CPS, but unsupported", async () => {
    const { status } = await put("cps2ter");
    expect(status.cardType).toBe("cps2ter");
    expect(verdictOf(status)).toMatchObject({ code: "ERR_UNSUPPORTED_CARD" });
    await expect(svc.verifyPin(ascii("1234"), { reader: R0 })).rejects.toMatchObject({ code: "ERR_UNSUPPORTED_CARD" });
  });

  it("unknown: only the non-destructive SELECTs of the CPS AIDs, then type unknown", async () => {
    const { status } = await put("unknown");
    expect(status.cardType).toBe("unknown");
    expect(status.errorCode).toBeUndefined();
    // ChipDoc on channel 1, IAS contact, IAS contactless: SELECT by name, nothing else
    expect(sentToR0).toEqual(["01A4040C", "00A4040C", "00A4040C"]);
  });

  it("mute: state mute, ERR_CARD_MUTE", async () => {
    const { status } = await put("mute");
    expect(status).toMatchObject({ state: "mute", cardType: "mute" });
    await expect(svc.cardStatus()).rejects.toMatchObject({ code: "ERR_CARD_MUTE" });
    await expect(svc.pinStatus({ reader: R0 })).rejects.toMatchObject({ code: "ERR_CARD_MUTE" });
  });
});

describe("login signature through pcscd", () => {
  it.each(["cps3", "cps4", "cps4-t0"] as const)("%s: PIN then a signature that verifies", async (profile) => {
    await put(profile, { pin: "2468" });
    const digest = sha256(`challenge-${profile}`);
    await expect(svc.signAuth(digest, "RS256", { reader: R0 })).rejects.toMatchObject({ code: "ERR_PIN_REQUIRED" });
    await expect(svc.verifyPin(ascii("1357"), { reader: R0 })).rejects.toMatchObject({
      code: "ERR_PIN_INCORRECT",
      details: { triesLeft: 2 },
    });
    expect(await svc.verifyPin(ascii("2468"), { reader: R0 })).toMatchObject({ verified: true, triesLeft: 3 });
    const r = await svc.signAuth(digest, "RS256", { reader: R0 });
    const key = { key: Buffer.from(r.certificate), format: "der" as const };
    const { X509Certificate } = await import("node:crypto");
    const pub = new X509Certificate(Buffer.from(r.certificate)).publicKey;
    expect(key.key.length).toBeGreaterThan(500);
    expect(rsaVerify("sha256", Buffer.from(`challenge-${profile}`), pub, Buffer.from(r.signature))).toBe(true);
    expect((await svc.pinStatus({ reader: R0 })).verified).toBe(true);
  });

  it("a card taken out and put back: identity from the cache (no certificate read), PIN to verify again", async () => {
    const { card } = await put("cps3");
    const serial = (card.card as unknown as { info: { serial: string } }).info.serial;
    await tb.remove(0);
    const from = events.length;
    sentToR0.length = 0;
    await tb.insert(0, card.card);
    await seen(from, "card.inserted", R0);
    const status = await svc.cardStatus({ reader: R0 });
    expect(status.serial).toBe(serial);
    // readIdentity: SELECT app, SELECT EF.SN.ICC, READ BINARY (12); then the PIN counter: SELECT app, SELECT MF,
    // GET DATA + GET RESPONSE, SELECT app. No PKCS#15 file, no certificate.
    expect(sentToR0.slice(0, 3)).toEqual(["00A4040C", "00A4090C", "00B00000"]);
    expect(sentToR0.filter((h) => h.startsWith("00B0"))).toHaveLength(1);
    expect(status.pin?.verified).toBe(false);
  });
});

describe("cps-bridge card (CLI, its own process)", () => {
  it("prints the JSON document: CPS3 and CPS4 holders, Vitale, blocked and expired verdicts", async () => {
    if (tb.card(0)) await tb.remove(0);
    for (let i = 1; i < tb.readers.length; i++) if (tb.card(i)) await tb.remove(i);
    await tb.insert(0, "cps3");
    await tb.insert(1, "vitale2");
    await tb.insert(2, "cps3-blocked");
    await tb.insert(3, "cps3-expired");
    const bin = join(import.meta.dirname, "../../bin/cps-bridge.mjs");
    const { stdout } = await run(
      process.execPath,
      [bin, "card", "--json", "--test-mode", "--test-anchors", tb.trustAnchorsPath],
      {
        env: { ...process.env, VITEST: "", CPS_BRIDGE_LOG_DIR: join(tb.stateDir, "cli-logs") },
        timeout: 60_000,
      },
    );
    const doc = JSON.parse(stdout) as CardJson;
    expect(doc).toMatchObject({ format: "cps-bridge.card/1", pcsc: "up", testMode: true });
    const by = (i: number) => doc.readers.find((r) => r.name === tb.readers[i]!.name)!;
    expect(by(0)).toMatchObject({
      cardType: "cps3",
      holder: DEFAULT_HOLDERS.cps3,
      certificate: { chain: "test", validity: "valid" },
      pin: { triesLeft: 3 },
      verdict: { level: "ok" },
    });
    expect(by(1)).toMatchObject({ cardType: "vitale2", verdict: { fr: "Carte Vitale : insérez votre carte CPS" } });
    expect(by(2)).toMatchObject({
      pin: { blocked: true },
      verdict: { code: "ERR_PIN_BLOCKED", fr: expect.stringContaining("bloquée") },
    });
    expect(by(3)).toMatchObject({ certificate: { validity: "expired" }, verdict: { code: "ERR_CERT_EXPIRED" } });

    const human = await run(process.execPath, [bin, "card", "--reader", tb.readers[1]!.name], {
      env: { ...process.env, VITEST: "", CPS_BRIDGE_LOG_DIR: join(tb.stateDir, "cli-logs") },
      timeout: 60_000,
    });
    expect(human.stdout).toContain("Carte Vitale : insérez votre carte CPS");
    for (let i = 1; i < 4; i++) await tb.remove(i);
  });
});
