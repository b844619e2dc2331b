/**
 * The test PKI of the test bench, made by code with @peculiar/x509 (no CA key in the repository):
 *   "TEST AC RACINE IGC-SANTE FORT" (root) → "TEST AC IGC-SANTE FORT PERSONNES" (intermediate, pathLen 0)
 *   → holder certificates of the virtual cards.
 * Names mirror the production IGC-Santé chain (cps-card.md §3.1), prefixed "TEST" like ANS's own test chain.
 *
 * The two CA key pairs are generated once per machine and cached in the state dir (testbedStateDir(), file
 * test-pki.json, mode 0600) so that every process — the test bench daemon, the agent in test mode, the mock
 * portal, the tests — trusts the same roots (docs/decisions.md "test PKI"). Several processes may start at once:
 * generation happens under an exclusive lock (a `mkdir` lock dir, broken when its owner died or it is too old)
 * and the file appears by atomic rename. Holder private keys are never here: a virtual card generates its own
 * key pair and only hands us its public key (issueHolder).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import * as x509 from "@cps-bridge/protocol/x509";
import type { HolderOptions } from "./cards/virtual-card";

x509.cryptoProvider.set(globalThis.crypto);

export type HolderKind = "CPS" | "CPF" | "CPE" | "CPA";
export type CertificateUsage = "auth" | "sign";

export interface IssueHolderInput {
  holder: Required<HolderOptions>;
  kind: HolderKind;
  usage: CertificateUsage;
  /** The card's public key (a webcrypto key, or its SPKI DER). */
  publicKey: CryptoKey | ArrayBuffer | Uint8Array;
  /** Default: one day ago. */
  notBefore?: Date;
  /** Default: notBefore + 3 years (the observed CPS3 certificate lifetime, cps-card.md §3.2). */
  notAfter?: Date;
}

export interface TestPki {
  root: x509.X509Certificate;
  intermediate: x509.X509Certificate;
  /** Root then intermediate, PEM. */
  anchorsPem: string;
  /** A file holding anchorsPem (for `--test-anchors <file>` of the agent and the mock portal). */
  anchorsPath: string;
  issueHolder(input: IssueHolderInput): Promise<x509.X509Certificate>;
}

/** `$CPS_TESTBED_STATE_DIR`, else `${XDG_STATE_HOME:-~/.local/state}/cps-testbed`. */
export function testbedStateDir(): string {
  const explicit = process.env.CPS_TESTBED_STATE_DIR;
  if (explicit) return explicit;
  const xdg = process.env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(xdg, "cps-testbed");
}

/** DN attributes of the production CAs (cps-card.md §3.1): C=FR, O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE, CN=…. */
function caName(commonName: string): x509.Name {
  return new x509.Name([
    { C: ["FR"] },
    { O: ["ASIP-SANTE"] },
    { OU: ["0002 187512751"] },
    { OU: ["IGC-SANTE"] },
    { CN: [commonName] },
  ]);
}

export const TEST_ROOT_CN = "TEST AC RACINE IGC-SANTE FORT";
export const TEST_INTERMEDIATE_CN = "TEST AC IGC-SANTE FORT PERSONNES";

/** X.520 attribute types of the holder subject (cps-card.md §3.2). */
const OID = { commonName: "2.5.4.3", surname: "2.5.4.4", givenName: "2.5.4.42", title: "2.5.4.12", country: "2.5.4.6" };

/**
 * Holder subject `CN=<national id>+SN=<surname>+GN=<given name>, T=<profession>, C=FR` (cps-card.md §3.2). That
 * string is RFC 4514 order (last RDN first), so the DER sequence is C, then T, then the multi-valued RDN
 * {CN, SN, GN} [I: matches every string form quoted in the research]. GN is given by its OID 2.5.4.42 (the
 * library's short name is "G"). For a CPE the CN is `<structure id>/<local id>` (the holder's nationalId).
 */
export function holderSubject(holder: Required<HolderOptions>): x509.Name {
  return new x509.Name([
    { [OID.country]: ["FR"] },
    { [OID.title]: [holder.profession] },
    { [OID.commonName]: [holder.nationalId], [OID.surname]: [holder.surname], [OID.givenName]: [holder.givenName] },
  ]);
}

const CA_KEY_BITS = 4096; // as production (cps-card.md §3.1); ~0.7–1.4 s per key on this machine, paid once
const HOLDER_VALIDITY_MS = 3 * 365.25 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const RSA_SHA256: RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: CA_KEY_BITS,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

interface StoredCa {
  certificatePem: string;
  privateKeyPkcs8: string; // base64
}
interface StoredPki {
  format: 1;
  createdAt: string;
  root: StoredCa;
  intermediate: StoredCa;
}

const STATE_FILE = "test-pki.json";
const ANCHORS_FILE = "test-anchors.pem";
const LOCK_DIR = "test-pki.lock";
/** A lock older than this is stale even if its owner looks alive (generation takes a few seconds). */
const STALE_LOCK_MS = 120_000;
const LOCK_WAIT_MS = 180_000;

const loaded = new Map<string, Promise<TestPki>>();

/** Loads (or, the first time on this machine, creates) the test PKI. Calls in one process share one promise. */
export function loadTestPki(options: { stateDir?: string } = {}): Promise<TestPki> {
  const dir = options.stateDir ?? testbedStateDir();
  let pending = loaded.get(dir);
  if (!pending) {
    pending = load(dir);
    loaded.set(dir, pending);
    pending.catch(() => loaded.delete(dir));
  }
  return pending;
}

async function load(dir: string): Promise<TestPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, STATE_FILE);
  const stored = (await readStored(file)) ?? (await createUnderLock(dir, file));
  return open(dir, stored);
}

async function readStored(file: string): Promise<StoredPki | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as StoredPki;
    if (parsed.format !== 1 || !parsed.root?.privateKeyPkcs8 || !parsed.intermediate?.privateKeyPkcs8)
      throw new Error();
    return parsed;
  } catch {
    throw new Error(`test PKI state ${file} is unreadable; delete it to generate a new test PKI`);
  }
}

async function createUnderLock(dir: string, file: string): Promise<StoredPki> {
  const lock = join(dir, LOCK_DIR);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    // Someone else holds the lock: maybe it finished already, maybe it died.
    const done = await readStored(file);
    if (done) return done;
    if (await isStale(lock)) {
      // rename is atomic: only one waiter breaks a given stale lock.
      const broken = `${lock}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
      await rename(lock, broken).then(
        () => rm(broken, { recursive: true, force: true }),
        () => undefined,
      );
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the test PKI lock ${lock}`);
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  }
  try {
    await writeFile(join(lock, "owner.json"), JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }));
    const existing = await readStored(file); // created while we waited for the lock
    if (existing) return existing;
    const created = await generate();
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temporary, JSON.stringify(created, null, 2), { mode: 0o600 });
    await chmod(temporary, 0o600); // umask cannot loosen it, but be explicit
    await rename(temporary, file);
    return created;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function isStale(lock: string): Promise<boolean> {
  let age: number;
  try {
    age = Date.now() - (await stat(lock)).mtimeMs;
  } catch {
    return false; // vanished: just retry
  }
  if (age > STALE_LOCK_MS) return true;
  try {
    const owner = JSON.parse(await readFile(join(lock, "owner.json"), "utf8")) as { pid: number; host: string };
    if (owner.host !== hostname()) return false;
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // ESRCH: the owner is gone. No owner file yet: the owner is between mkdir and writeFile — wait.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

async function generate(): Promise<StoredPki> {
  const now = Date.now();
  const notBefore = new Date(now - DAY_MS);
  const notAfter = new Date(now + 20 * 365.25 * DAY_MS);
  const rootKeys = await crypto.subtle.generateKey(RSA_SHA256, true, ["sign", "verify"]);
  const intermediateKeys = await crypto.subtle.generateKey(RSA_SHA256, true, ["sign", "verify"]);
  const caKeyUsage = new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: caName(TEST_ROOT_CN),
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      caKeyUsage,
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: caName(TEST_INTERMEDIATE_CN),
    issuer: root.subjectName,
    notBefore,
    notAfter: new Date(notAfter.getTime() - DAY_MS), // as production: the intermediate ends a day before the root
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      caKeyUsage,
      await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const pkcs8 = async (key: CryptoKey) => Buffer.from(await crypto.subtle.exportKey("pkcs8", key)).toString("base64");
  return {
    format: 1,
    createdAt: new Date(now).toISOString(),
    root: { certificatePem: root.toString("pem"), privateKeyPkcs8: await pkcs8(rootKeys.privateKey) },
    intermediate: {
      certificatePem: intermediate.toString("pem"),
      privateKeyPkcs8: await pkcs8(intermediateKeys.privateKey),
    },
  };
}

/** A positive 16-byte serial number (hex). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString("hex");
}

async function open(dir: string, stored: StoredPki): Promise<TestPki> {
  const root = new x509.X509Certificate(stored.root.certificatePem);
  const intermediate = new x509.X509Certificate(stored.intermediate.certificatePem);
  const signingKey = await crypto.subtle.importKey(
    "pkcs8",
    Buffer.from(stored.intermediate.privateKeyPkcs8, "base64"),
    RSA_SHA256,
    false,
    ["sign"],
  );
  const anchorsPem = `${root.toString("pem")}\n${intermediate.toString("pem")}\n`;
  const anchorsPath = join(dir, ANCHORS_FILE);
  await writeAnchorsIfChanged(anchorsPath, anchorsPem);
  const intermediateKeyId = await x509.SubjectKeyIdentifierExtension.create(intermediate.publicKey);

  return {
    root,
    intermediate,
    anchorsPem,
    anchorsPath,
    async issueHolder(input) {
      const notBefore = input.notBefore ?? new Date(Date.now() - DAY_MS);
      const notAfter = input.notAfter ?? new Date(notBefore.getTime() + HOLDER_VALIDITY_MS);
      const publicKey = input.publicKey instanceof Uint8Array ? toArrayBuffer(input.publicKey) : input.publicKey;
      const spki =
        publicKey instanceof ArrayBuffer ? publicKey : await crypto.subtle.exportKey("spki", publicKey as CryptoKey);
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        input.usage === "auth"
          ? // [U] Exact IGC-Santé key usages of card certificates are unknown (cps-card.md §3.1, "Gabarits" not
            // retrievable): an authentication certificate used for TLS client auth and INTERNAL AUTHENTICATE
            // needs digitalSignature; keyEncipherment because the key also deciphers (CPS_PRIV_AUT "decrypt, sign",
            // cps-card.md §2.3).
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true)
          : new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true),
        await x509.SubjectKeyIdentifierExtension.create(spki),
        new x509.AuthorityKeyIdentifierExtension(intermediateKeyId.keyId),
      ];
      if (input.usage === "auth") {
        // [U] EKU of a CPS authentication certificate: clientAuth is what TLS client authentication needs.
        extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]));
      }
      return x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: holderSubject(input.holder),
        issuer: intermediate.subjectName,
        notBefore,
        notAfter,
        publicKey: spki,
        signingKey,
        signingAlgorithm: RSA_SHA256,
        extensions,
      });
    },
  };
}

async function writeAnchorsIfChanged(path: string, pem: string): Promise<void> {
  if (existsSync(path) && (await readFile(path, "utf8")) === pem) return;
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, pem, { mode: 0o644 });
  await rename(temporary, path);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** SHA-256 of a certificate's DER, hex (for tests and logs). */
export function fingerprint(certificate: x509.X509Certificate): string {
  return createHash("sha256").update(new Uint8Array(certificate.rawData)).digest("hex");
}
