import { spawn } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as x509 from "@cps-bridge/protocol/x509";
import * as asn1js from "asn1js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fingerprint, loadTestPki, type TestPki, testbedStateDir } from "./pki";

const holder = { nationalId: "899700123456", surname: "TESTCPS", givenName: "ALICE", profession: "Médecin" };
const rsa = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

/** The subject DER as RDNs of [type OID, value] pairs, read with asn1js (independent of @peculiar/x509). */
function rdns(name: x509.Name): [string, string][][] {
  const sequence = asn1js.fromBER(name.toArrayBuffer()).result as asn1js.Sequence;
  return sequence.valueBlock.value.map((set) =>
    (set as asn1js.Set).valueBlock.value.map((atv) => {
      const [type, value] = (atv as asn1js.Sequence).valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Utf8String];
      return [type.valueBlock.toString(), value.valueBlock.value];
    }),
  );
}

const created: string[] = [];
function tempDir(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  created.push(path);
  return path;
}
afterAll(async () => {
  await Promise.all(created.map((path) => rm(path, { recursive: true, force: true })));
});

let dir: string;
let pki: TestPki;
let loadMs: number;

beforeAll(async () => {
  dir = tempDir("cps-pki-test-");
  const started = performance.now();
  pki = await loadTestPki({ stateDir: dir });
  loadMs = performance.now() - started;
  console.log(`test PKI generated in ${loadMs.toFixed(0)} ms (2 × RSA-4096 + 2 certificates)`);
}, 120_000);

describe("CA certificates", () => {
  test("names, algorithms and extensions mirror IGC-Santé (cps-card.md §3.1)", async () => {
    expect(pki.root.subject).toBe(
      "C=FR, O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE, CN=TEST AC RACINE IGC-SANTE FORT",
    );
    expect(pki.intermediate.subject).toBe(
      "C=FR, O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE, CN=TEST AC IGC-SANTE FORT PERSONNES",
    );
    expect(pki.intermediate.issuer).toBe(pki.root.subject);
    for (const ca of [pki.root, pki.intermediate]) {
      expect(ca.signatureAlgorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } });
      expect((ca.publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength).toBe(4096);
      const usage = ca.getExtension(x509.KeyUsagesExtension)!;
      expect(usage.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
      expect(ca.getExtension(x509.SubjectKeyIdentifierExtension)).toBeTruthy();
    }
    const rootBc = pki.root.getExtension(x509.BasicConstraintsExtension)!;
    expect([rootBc.ca, rootBc.critical]).toEqual([true, true]);
    const bc = pki.intermediate.getExtension(x509.BasicConstraintsExtension)!;
    expect([bc.ca, bc.pathLength]).toEqual([true, 0]);
    const aki = pki.intermediate.getExtension(x509.AuthorityKeyIdentifierExtension)!;
    expect(aki.keyId).toBe(pki.root.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);
    expect(await pki.root.isSelfSigned()).toBe(true);
  });

  test("state file is private, anchors file holds both CAs", async () => {
    expect(statSync(join(dir, "test-pki.json")).mode & 0o777).toBe(0o600);
    expect(pki.anchorsPath).toBe(join(dir, "test-anchors.pem"));
    const pem = await readFile(pki.anchorsPath, "utf8");
    expect(pem).toBe(pki.anchorsPem);
    const certs = x509.PemConverter.decode(pem).map((der) => new x509.X509Certificate(der));
    expect(certs.map((c) => c.subject)).toEqual([pki.root.subject, pki.intermediate.subject]);
    expect(await readdir(dir)).not.toContain("test-pki.lock");
  });

  test("a second load in the same process returns the same PKI; another state dir another root", async () => {
    expect(await loadTestPki({ stateDir: dir })).toBe(pki);
    const other = await loadTestPki({ stateDir: tempDir("cps-pki-other-") });
    expect(fingerprint(other.root)).not.toBe(fingerprint(pki.root));
  }, 60_000);
});

describe("holder certificates (cps-card.md §3.2)", () => {
  test("subject: one RDN with CN, SN, GN (2.5.4.3, 2.5.4.4, 2.5.4.42), then T (2.5.4.12), C=FR", async () => {
    const keys = await crypto.subtle.generateKey(rsa, true, ["sign", "verify"]);
    const cert = await pki.issueHolder({ holder, kind: "CPS", usage: "auth", publicKey: keys.publicKey });
    // DER order C, T, {CN+SN+GN}: RFC 4514 prints it "CN=…+SN=…+GN=…, T=…, C=FR" as in the research.
    expect(rdns(cert.subjectName)).toEqual([
      [["2.5.4.6", "FR"]],
      [["2.5.4.12", "Médecin"]],
      [
        ["2.5.4.3", "899700123456"],
        ["2.5.4.4", "TESTCPS"],
        ["2.5.4.42", "ALICE"],
      ],
    ]);
    expect(cert.issuer).toBe(pki.intermediate.subject);
  });

  test("auth certificate: RSA-2048, sha256WithRSA, 3 years from a day ago, digitalSignature+keyEncipherment, clientAuth", async () => {
    const keys = await crypto.subtle.generateKey(rsa, true, ["sign", "verify"]);
    const before = Date.now();
    const cert = await pki.issueHolder({ holder, kind: "CPS", usage: "auth", publicKey: keys.publicKey });
    expect((cert.publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength).toBe(2048);
    expect(cert.signatureAlgorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } });
    expect(Math.abs(cert.notBefore.getTime() - (before - 86_400_000))).toBeLessThan(10_000);
    const years = (cert.notAfter.getTime() - cert.notBefore.getTime()) / (365.25 * 86_400_000);
    expect(years).toBeCloseTo(3, 2);
    expect(cert.getExtension(x509.KeyUsagesExtension)!.usages).toBe(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
    expect(cert.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(false);
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(
      pki.intermediate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId,
    );
  });

  test("signature certificate: nonRepudiation, no EKU; explicit validity; SPKI bytes accepted", async () => {
    const keys = await crypto.subtle.generateKey(rsa, true, ["sign", "verify"]);
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
    const notBefore = new Date("2020-01-01T00:00:00Z");
    const notAfter = new Date("2023-01-01T00:00:00Z");
    const cert = await pki.issueHolder({ holder, kind: "CPS", usage: "sign", publicKey: spki, notBefore, notAfter });
    expect(cert.getExtension(x509.KeyUsagesExtension)!.usages).toBe(x509.KeyUsageFlags.nonRepudiation);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
    expect([cert.notBefore.toISOString(), cert.notAfter.toISOString()]).toEqual([
      notBefore.toISOString(),
      notAfter.toISOString(),
    ]);
  });

  test("CPE: CN is <structure id>/<local id>", async () => {
    const keys = await crypto.subtle.generateKey(rsa, true, ["sign", "verify"]);
    const cpe = { ...holder, nationalId: "3999000001/EMPLOYE042", profession: "Secrétaire médicale" };
    const cert = await pki.issueHolder({ holder: cpe, kind: "CPE", usage: "auth", publicKey: keys.publicKey });
    expect(cert.subjectName.getField("2.5.4.3")).toEqual(["3999000001/EMPLOYE042"]);
  });

  test("the chain holder → intermediate → root builds and every signature verifies", async () => {
    const keys = await crypto.subtle.generateKey(rsa, true, ["sign", "verify"]);
    const leaf = await pki.issueHolder({ holder, kind: "CPS", usage: "auth", publicKey: keys.publicKey });
    const chain = await new x509.X509ChainBuilder({ certificates: [pki.intermediate, pki.root] }).build(leaf);
    expect(chain.map((c) => c.subject)).toEqual([leaf.subject, pki.intermediate.subject, pki.root.subject]);
    expect(await leaf.verify({ publicKey: pki.intermediate.publicKey, signatureOnly: true })).toBe(true);
    expect(await pki.intermediate.verify({ publicKey: pki.root.publicKey, signatureOnly: true })).toBe(true);
    // A certificate from another PKI does not chain to ours.
    const stranger = await x509.X509CertificateGenerator.createSelfSigned({
      name: pki.intermediate.subject,
      keys,
      signingAlgorithm: rsa,
    });
    const strangerChain = await new x509.X509ChainBuilder({ certificates: [pki.root] }).build(stranger);
    expect(strangerChain).toHaveLength(1);
  });
});

describe("one PKI per machine, several processes", () => {
  const pkiModule = fileURLToPath(new URL("./pki.ts", import.meta.url));
  const runChild = (stateDir: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(pkiModule)}); const p = await m.loadTestPki(); console.log(m.fingerprint(p.root) + " " + m.fingerprint(p.intermediate));`,
        ],
        { env: { ...process.env, CPS_TESTBED_STATE_DIR: stateDir }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        err += d;
      });
      child.on("exit", (code) =>
        code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}: ${err}`)),
      );
    });

  test("four processes starting at once on an empty state dir share one root", async () => {
    const shared = tempDir("cps-pki-race-");
    const results = await Promise.all([1, 2, 3, 4].map(() => runChild(shared)));
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toMatch(/^[0-9a-f]{64} [0-9a-f]{64}$/);
    const files = await readdir(shared);
    expect(files.sort()).toEqual(["test-anchors.pem", "test-pki.json"]);
  }, 120_000);

  test("a lock left by a dead process is broken", async () => {
    const stale = tempDir("cps-pki-stale-");
    await mkdir(join(stale, "test-pki.lock"));
    // pid 2^22 + 1 is above Linux's pid_max default range; kill(pid, 0) answers ESRCH.
    await writeFile(
      join(stale, "test-pki.lock", "owner.json"),
      JSON.stringify({ pid: 4194305, host: (await import("node:os")).hostname(), at: 0 }),
    );
    const result = await runChild(stale);
    expect(result).toMatch(/^[0-9a-f]{64} /);
  }, 120_000);

  test("state dir: $CPS_TESTBED_STATE_DIR, else XDG_STATE_HOME/cps-testbed", () => {
    const saved = { ...process.env };
    try {
      process.env.CPS_TESTBED_STATE_DIR = "/x/y";
      expect(testbedStateDir()).toBe("/x/y");
      delete process.env.CPS_TESTBED_STATE_DIR;
      process.env.XDG_STATE_HOME = "/state";
      expect(testbedStateDir()).toBe("/state/cps-testbed");
    } finally {
      process.env.CPS_TESTBED_STATE_DIR = saved.CPS_TESTBED_STATE_DIR;
      if (saved.CPS_TESTBED_STATE_DIR === undefined) delete process.env.CPS_TESTBED_STATE_DIR;
      if (saved.XDG_STATE_HOME === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = saved.XDG_STATE_HOME;
    }
  });
});
