// Independent clients read the virtual cards: OpenSC 0.23 (Debian opensc + opensc-pkcs11: opensc-tool, pkcs15-tool,
// pkcs11-tool and its PKCS#11 module) and NSS (libnss3-tools: certutil, modutil), over the real pcscd + vpcd. None of
// them knows cps-bridge: OpenSC binds its own IAS-ECC "CPx" driver from the ATR, reads the card's PKCS#15 structure
// and talks IAS-ECC to it. What each card shows is in docs/testbed.md ("Independent clients: OpenSC, NSS").
import { createHash, createPublicKey, type KeyObject, verify, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testbed } from "./index";
import {
  createFirefoxProfile,
  createNssDb,
  listCertificates,
  listModules,
  OPENSC_MODULE_NAME,
  openscPkcs11Module,
  pkcs11TxtLibraries,
  registerModule,
  runTool,
  unregisterModule,
} from "./nss";

const AUTH_KEY_ID = "e828bd080f8025000001ff001002"; // CPS_PRIV_AUT (cps-card.md §2.3)
const AUTH_LABEL = "Certificat d'Authentification CPS";
const SIGN_LABEL = "Certificat de Signature CPS";
/** DER prefix of a SHA-256 DigestInfo (PKCS#1 v1.5). */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

const work = mkdtempSync(join(tmpdir(), "cps-opensc-itest-"));
const module = openscPkcs11Module();
let tb: Testbed;

const openscTool = (...args: string[]) => runTool("opensc-tool", ["-r", "0", ...args]);
const pkcs15Tool = (...args: string[]) => runTool("pkcs15-tool", ["-r", "0", ...args]);
/** pkcs11-tool on OpenSC's module; one card at a time is inserted, so "the first slot with a token" is ours. */
const pkcs11Tool = (...args: string[]) => runTool("pkcs11-tool", ["--module", module, ...args]);
const text = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;

/** The holder's authentication certificate as OpenSC's module reads it (CKO_CERTIFICATE, DER). */
async function readAuthCertificate(): Promise<X509Certificate> {
  const out = join(work, "auth.der");
  const r = await pkcs11Tool("--read-object", "--type", "cert", "--id", AUTH_KEY_ID, "-o", out);
  expect(r.code, text(r)).toBe(0);
  return new X509Certificate(readFileSync(out));
}

/** C_Login(CKU_USER, pin) + C_Sign(CKM_RSA_PKCS) of a SHA-256 DigestInfo with the authentication key. */
async function signChallenge(pin: string, challenge: Buffer) {
  const input = join(work, "digest-info.bin");
  const output = join(work, "signature.bin");
  rmSync(output, { force: true });
  const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, createHash("sha256").update(challenge).digest()]);
  writeFileSync(input, digestInfo);
  // The PIN goes through pkcs11-tool's --pin (a test PIN of a virtual card, never a real one).
  const r = await pkcs11Tool(
    "--login",
    "--pin",
    pin,
    "--sign",
    "-m",
    "RSA-PKCS",
    "--id",
    AUTH_KEY_ID,
    "-i",
    input,
    "-o",
    output,
  );
  return { r, signature: r.code === 0 ? readFileSync(output) : undefined };
}

beforeAll(async () => {
  tb = await Testbed.start();
}, 60_000);

afterAll(async () => {
  await tb?.stop();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe("CPS3 through OpenSC (its IAS-ECC CPx driver)", () => {
  it("opensc-tool names the IAS-ECC driver; pkcs15-tool lists the PIN, both keys and both certificates", async () => {
    const cps = await tb.insert(0, "cps3");
    try {
      const name = await openscTool("-n");
      expect(name.code, text(name)).toBe(0);
      expect(name.stdout).toContain("IAS-ECC");

      const dump = await pkcs15Tool("-D");
      expect(dump.code, text(dump)).toBe(0);
      const serial = cps.card.info!.serial;
      expect(dump.stdout).toContain(`CPS3v3-${serial}`);
      expect(dump.stdout).toMatch(/PIN \[Code porteur\][\s\S]*Reference\s*:\s*129 \(0x81\)/);
      expect(dump.stdout).toMatch(/Private RSA Key \[CPS_PRIV_AUT\][\s\S]*Key ref\s*:\s*130 \(0x82\)/);
      expect(dump.stdout).toMatch(/Private RSA Key \[CPS_PRIV_SIG\][\s\S]*Key ref\s*:\s*129 \(0x81\)/);
      expect(dump.stdout).toContain(`X.509 Certificate [${AUTH_LABEL}]`);
      expect(dump.stdout).toContain(`X.509 Certificate [${SIGN_LABEL}]`);

      // pkcs15-tool prints "Tries left" only from the AODF, which holds no counter; OpenSC's module asks the card.
      const pins = await pkcs15Tool("--list-pins");
      expect(pins.stdout).toMatch(/Length\s*:\s*min_len:4, max_len:8/);
    } finally {
      await tb.remove(0);
    }
  }, 60_000);

  it("OpenSC's PKCS#11 module lists the token and the certificates; the certificate is the card's", async () => {
    const cps = await tb.insert(0, "cps3");
    try {
      const slots = await pkcs11Tool("-L");
      expect(slots.code, text(slots)).toBe(0);
      expect(slots.stdout).toContain(`token label        : CPS3v3-${cps.card.info!.serial}`);
      expect(slots.stdout).toMatch(/pin min\/max\s*:\s*4\/8/);
      expect(slots.stdout).toMatch(/token flags\s*:\s*login required, rng, token initialized, PIN initialized/);

      const objects = await pkcs11Tool("-O");
      expect(objects.stdout).toContain(`label:      ${AUTH_LABEL}`);
      expect(objects.stdout).toContain(`label:      ${SIGN_LABEL}`);
      expect(objects.stdout).not.toContain("Private Key Object"); // private objects only after C_Login

      const cert = await readAuthCertificate();
      expect(Buffer.from(cert.raw).equals(Buffer.from(cps.card.info!.certificates.authentication!))).toBe(true);
      expect(cert.subject).toContain("TESTCPS");
      expect(cps.triesLeft()).toBe(3); // listing spent no try
    } finally {
      await tb.remove(0);
    }
  }, 60_000);

  it("C_Login with PIN 1234 shows the private keys; C_Sign(CKM_RSA_PKCS) verifies with the certificate's key", async () => {
    const cps = await tb.insert(0, "cps3");
    try {
      const objects = await pkcs11Tool("--login", "--pin", "1234", "-O");
      expect(objects.code, text(objects)).toBe(0);
      expect(objects.stdout).toMatch(/Private Key Object; RSA[\s\S]*label:\s+CPS_PRIV_AUT/);

      const challenge = Buffer.from(`cps-bridge opensc itest ${Date.now()}`);
      const { r, signature } = await signChallenge("1234", challenge);
      expect(r.code, text(r)).toBe(0);
      expect(signature!.length).toBe(256);
      const publicKey: KeyObject = createPublicKey(
        (await readAuthCertificate()).publicKey.export({ format: "pem", type: "spki" }),
      );
      expect(verify("sha256", challenge, publicKey, signature!)).toBe(true);
      expect(verify("sha256", Buffer.from("another challenge"), publicKey, signature!)).toBe(false);
      expect(cps.triesLeft()).toBe(3);
    } finally {
      await tb.remove(0);
    }
  }, 60_000);

  it("a wrong PIN is refused and spends one try (token flags: count low, then final try); the right PIN resets it", async () => {
    const cps = await tb.insert(0, "cps3");
    try {
      const wrong = await pkcs11Tool("--login", "--pin", "9999", "-O");
      expect(wrong.code).not.toBe(0);
      expect(text(wrong)).toContain("CKR_PIN_INCORRECT");
      expect(cps.triesLeft()).toBe(2);
      // C_GetTokenInfo reads the card's counter (IAS-ECC VERIFY without data → 63 C2).
      expect((await pkcs11Tool("-L")).stdout).toContain("user PIN count low");
      expect((await pkcs11Tool("--login", "--pin", "9998", "-O")).code).not.toBe(0);
      expect(cps.triesLeft()).toBe(1);
      expect((await pkcs11Tool("-L")).stdout).toContain("final user PIN try");

      const right = await pkcs11Tool("--login", "--pin", "1234", "-O");
      expect(right.code, text(right)).toBe(0);
      expect(cps.triesLeft()).toBe(3);
      expect((await pkcs11Tool("-L")).stdout).not.toMatch(/count low|final user PIN try/);
    } finally {
      await tb.remove(0);
    }
  }, 60_000);

  it("a blocked CPS3 still lists its certificates, and C_Login answers CKR_PIN_LOCKED without a VERIFY try", async () => {
    const cps = await tb.insert(0, "cps3-blocked");
    try {
      expect((await pkcs11Tool("-O")).stdout).toContain(`label:      ${AUTH_LABEL}`);
      const login = await pkcs11Tool("--login", "--pin", "1234", "-O");
      expect(login.code).not.toBe(0);
      expect(text(login)).toContain("CKR_PIN_LOCKED");
      expect(cps.triesLeft()).toBe(0);
      const { r } = await signChallenge("1234", Buffer.from("x"));
      expect(r.code).not.toBe(0);
    } finally {
      await tb.remove(0);
    }
  }, 60_000);

  it("a CPE (structure card, built like a CPS3) reads the same way", async () => {
    await tb.insert(0, "cpe");
    try {
      const dump = await pkcs15Tool("--list-certificates");
      expect(dump.code, text(dump)).toBe(0);
      expect(dump.stdout).toContain(`X.509 Certificate [${AUTH_LABEL}]`);
    } finally {
      await tb.remove(0);
    }
  }, 60_000);
});

describe("NSS through OpenSC's module (certutil / modutil, as Firefox and Chromium load it)", () => {
  it("a new NSS db with the module registered lists the holder's certificates; unregistering removes them", async () => {
    const cps = await tb.insert(0, "cps3");
    try {
      const db = await createNssDb(join(work, "nssdb"));
      expect((await listCertificates(db)).certificates).toEqual([]);
      await registerModule(db);
      await registerModule(db); // idempotent
      const modules = await listModules(db);
      expect(modules.filter((m) => m.name === OPENSC_MODULE_NAME)).toEqual([
        { name: OPENSC_MODULE_NAME, library: module },
      ]);
      expect(pkcs11TxtLibraries(db)).toContain(module);

      const { certificates, raw } = await listCertificates(db);
      const token = `CPS3v3-${cps.card.info!.serial} (Code porteur)`;
      expect(
        certificates.map((c) => c.nickname),
        text(raw),
      ).toContain(`${token}:${AUTH_LABEL}`);
      expect(certificates.find((c) => c.nickname === `${token}:${AUTH_LABEL}`)?.trust).toBe("u,u,u");
      expect(cps.triesLeft()).toBe(3); // certutil -h all did not try a PIN

      await unregisterModule(db);
      expect(pkcs11TxtLibraries(db)).not.toContain(module);
      expect((await listCertificates(db)).certificates).toEqual([]);
    } finally {
      await tb.remove(0);
    }
  }, 90_000);

  it("a Firefox-profile-shaped directory gets OpenSC in its pkcs11.txt and sees the card", async () => {
    const cps = await tb.insert(0, "cps3");
    try {
      const profile = await createFirefoxProfile(join(work, "firefox-profile"));
      expect(pkcs11TxtLibraries(profile)).not.toContain(module);
      await registerModule(profile);
      expect(readFileSync(join(profile, "pkcs11.txt"), "utf8")).toContain(`library=${module}`);
      const { certificates } = await listCertificates(profile);
      expect(certificates.map((c) => c.nickname)).toContain(
        `CPS3v3-${cps.card.info!.serial} (Code porteur):${AUTH_LABEL}`,
      );
    } finally {
      await tb.remove(0);
    }
  }, 90_000);
});

describe("the other cards through OpenSC (documented limits, asserted)", () => {
  it("CPS4 (T=0/T=1 ATR 3B 9B…): no OpenSC 0.23 driver knows it — 'Unsupported card', token not recognized", async () => {
    await tb.insert(0, "cps4");
    try {
      const name = await openscTool("-n");
      expect(text(name)).toContain("Unsupported card");
      expect((await pkcs11Tool("-L")).stdout).toMatch(/CPS Test Reader 00 00\s+\(token not recognized\)/);
    } finally {
      await tb.remove(0);
    }
  }, 60_000);

  it("CPS4 with the T=0 ATR (3B DC…): the CPx ATR mask binds IAS-ECC, which fails to select the EF.ATR's ChipDoc AID on channel 0", async () => {
    await tb.insert(0, "cps4-t0");
    try {
      const dump = await pkcs15Tool("-D");
      expect(dump.code).not.toBe(0);
      expect(text(dump)).toContain("File not found");
      expect((await pkcs11Tool("-L")).stdout).not.toContain("token label");
    } finally {
      await tb.remove(0);
    }
  }, 60_000);

  it("Vitale 2, Vitale 1, CNIe, bank, unknown, CPS3 contactless: no driver, no token; CPS2ter: class 00 refused (6E00)", async () => {
    // cps3-contactless: OpenSC's "IAS/ECC CPxCL" ATR starts 2B 8F (a typo, cps-card.md §1.3), so it never matches.
    for (const profile of ["vitale2", "vitale1", "cnie", "bank", "unknown", "cps3-contactless"] as const) {
      await tb.insert(0, profile);
      try {
        expect(text(await openscTool("-n")), profile).toContain("Unsupported card");
        expect((await pkcs11Tool("-L")).stdout, profile).not.toContain("token label");
      } finally {
        await tb.remove(0);
      }
    }
    await tb.insert(0, "cps2ter");
    try {
      expect(text(await openscTool("-n"))).toContain("Unsupported CLA byte in APDU");
    } finally {
      await tb.remove(0);
    }
  }, 120_000);
});
