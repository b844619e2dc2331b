/**
 * Lists what a PKCS#11 module sees — tokens and their certificates — through `pkcs11js` (a maintained binding; no
 * hand-written FFI), in a child process of our own CLI (`cps-bridge __pkcs11-probe <module>`): a vendor module may
 * block in C_Initialize or crash the process, which must never take the agent down. The child prints one JSON line
 * and exits; the parent kills it after the timeout. No login, no PIN: only public objects are read.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { selfCommand } from "../service/self-command";

export interface ProbedToken {
  slotDescription: string;
  label: string;
  model: string;
  serialNumber: string;
  /** SHA-256 (hex) of each certificate's DER, with its label */
  certificates: { label: string; fingerprint: string }[];
}

export interface ProbeResult {
  library: string;
  libraryVersion: string;
  tokens: ProbedToken[];
}

/** Runs in the child: the actual PKCS#11 calls. */
export async function probeInProcess(modulePath: string): Promise<ProbeResult> {
  const { default: pkcs11js } = (await import("pkcs11js")) as unknown as { default: typeof import("pkcs11js") };
  const p = new pkcs11js.PKCS11();
  p.load(modulePath);
  p.C_Initialize();
  try {
    const info = p.C_GetInfo();
    const tokens: ProbedToken[] = [];
    for (const slot of p.C_GetSlotList(true)) {
      const s = p.C_GetSlotInfo(slot);
      const t = p.C_GetTokenInfo(slot);
      const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
      const certificates: ProbedToken["certificates"] = [];
      try {
        p.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]);
        const handles = [];
        for (let h = p.C_FindObjects(session); h && handles.length < 32; h = p.C_FindObjects(session)) handles.push(h);
        p.C_FindObjectsFinal(session);
        for (const h of handles) {
          const [label, value] = p.C_GetAttributeValue(session, h, [
            { type: pkcs11js.CKA_LABEL },
            { type: pkcs11js.CKA_VALUE },
          ]);
          const der = value?.value as Buffer | undefined;
          if (!der) continue;
          certificates.push({
            label: (label?.value as Buffer | undefined)?.toString("utf8") ?? "",
            fingerprint: createHash("sha256").update(der).digest("hex"),
          });
        }
      } finally {
        p.C_CloseSession(session);
      }
      tokens.push({
        slotDescription: s.slotDescription.trim(),
        label: t.label.trim(),
        model: t.model.trim(),
        serialNumber: t.serialNumber.trim(),
        certificates,
      });
    }
    return {
      library: info.libraryDescription.trim(),
      libraryVersion: `${info.libraryVersion.major}.${info.libraryVersion.minor}`,
      tokens,
    };
  } finally {
    p.C_Finalize();
  }
}

/** The CLI entry of the child (hidden command `__pkcs11-probe`). */
export async function probeMain(modulePath: string): Promise<number> {
  try {
    process.stdout.write(`${JSON.stringify(await probeInProcess(modulePath))}\n`);
    return 0;
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
    return 1;
  }
}

/** Runs the probe in a child process of this same program (the executable, the bundle, or the launcher). */
export function probeModule(modulePath: string, timeoutMs = 8000): Promise<ProbeResult> {
  const self = selfCommand();
  return new Promise((resolve, reject) => {
    execFile(
      self.file,
      [...self.prefix, "__pkcs11-probe", modulePath],
      { timeout: timeoutMs, env: { ...process.env, VITEST: "" }, maxBuffer: 1 << 20 },
      (err, stdout) => {
        const line = stdout.trim().split("\n").pop() ?? "";
        try {
          const r = JSON.parse(line) as ProbeResult | { error: string };
          if ("error" in r) reject(new Error(r.error));
          else resolve(r);
        } catch {
          reject(new Error(err?.killed ? `module did not answer in ${timeoutMs} ms` : (err?.message ?? "no answer")));
        }
      },
    );
  });
}
