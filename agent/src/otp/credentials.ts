/**
 * Where the mailbox password lives: the OS credential store through `@napi-rs/keyring` (Secret Service on Linux,
 * Keychain on macOS, Credential Manager on Windows), else — where no credential store runs (a server, CI, a session
 * without a keyring daemon) — a 0600 JSON file in the agent's config directory. Never the extension's storage, never
 * the settings file, never a log line. Test mode always uses the file (a CI machine has no keyring daemon, and a test
 * must not write into a developer's real keyring).
 */
import { rmSync } from "node:fs";
import type { Logger } from "pino";
import { readFileIfExists, writePrivateFileAtomic } from "../bridge/secure-file";

export type CredentialStoreKind = "keyring" | "file";

export interface CredentialStore {
  readonly kind: CredentialStoreKind;
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

export const KEYRING_SERVICE = "cps-bridge";

/** A 0600 JSON map `{ account: secret }`, rewritten atomically. */
export class FileCredentialStore implements CredentialStore {
  readonly kind = "file" as const;
  constructor(private readonly file: string) {}

  private read(): Record<string, string> {
    const text = readFileIfExists(this.file);
    if (text === undefined) return {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") out[k] = v;
        return out;
      }
    } catch {
      /* a corrupt file holds nothing usable: treated as empty, rewritten on the next save */
    }
    return {};
  }

  async get(account: string): Promise<string | undefined> {
    return this.read()[account];
  }

  async set(account: string, secret: string): Promise<void> {
    const all = this.read();
    all[account] = secret;
    writePrivateFileAtomic(this.file, `${JSON.stringify(all)}\n`);
  }

  async delete(account: string): Promise<void> {
    const all = this.read();
    if (!(account in all)) return;
    delete all[account];
    if (Object.keys(all).length === 0) rmSync(this.file, { force: true });
    else writePrivateFileAtomic(this.file, `${JSON.stringify(all)}\n`);
  }
}

type KeyringModule = typeof import("@napi-rs/keyring");

/** The OS credential store. Construction never throws; `probe()` says whether a store answers. */
export class KeyringCredentialStore implements CredentialStore {
  readonly kind = "keyring" as const;
  constructor(private readonly mod: KeyringModule) {}

  private entry(account: string) {
    return new this.mod.AsyncEntry(KEYRING_SERVICE, account);
  }

  async get(account: string): Promise<string | undefined> {
    return (await this.entry(account).getPassword()) ?? undefined;
  }

  async set(account: string, secret: string): Promise<void> {
    await this.entry(account).setPassword(secret);
  }

  async delete(account: string): Promise<void> {
    try {
      await this.entry(account).deletePassword();
    } catch {
      /* nothing to delete */
    }
  }

  /** True when a credential store answers a read (a missing entry is an answer). */
  async probe(): Promise<boolean> {
    try {
      await this.entry("probe").getPassword();
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * The keyring when one answers, else the file. The choice is made once per agent start and logged (the kind only).
 * A keyring that answered the probe but then refuses a write falls back to the file for that write.
 */
export async function openCredentialStore(options: {
  file: string;
  testMode: boolean;
  log: Logger;
  loadKeyring?: () => Promise<KeyringModule>;
}): Promise<CredentialStore> {
  const file = new FileCredentialStore(options.file);
  if (options.testMode) return file;
  let keyring: KeyringCredentialStore | undefined;
  try {
    const mod = await (options.loadKeyring ?? (() => import("@napi-rs/keyring")))();
    keyring = new KeyringCredentialStore(mod);
  } catch (err) {
    options.log.info({ event: "mailbox.credentials.file", reason: (err as Error).message }, "no keyring module");
    return file;
  }
  if (!(await keyring.probe())) {
    options.log.info({ event: "mailbox.credentials.file", reason: "no credential store answers" }, "keyring absent");
    return file;
  }
  const kr = keyring;
  return {
    kind: "keyring",
    get: async (account) => (await kr.get(account)) ?? (await file.get(account)),
    set: async (account, secret) => {
      try {
        await kr.set(account, secret);
        await file.delete(account);
      } catch (err) {
        options.log.warn(
          { event: "mailbox.credentials.file", reason: (err as Error).message },
          "keyring write refused",
        );
        await file.set(account, secret);
        throw new KeyringFellBack();
      }
    },
    delete: async (account) => {
      await kr.delete(account);
      await file.delete(account);
    },
  };
}

/** Thrown by a keyring store's `set` after it saved to the file instead (the caller reports `file`). */
export class KeyringFellBack extends Error {
  override name = "KeyringFellBack";
}

/** The account name of a mailbox in the credential store: `imap:user@host:port` (no secret in it). */
export function credentialAccount(s: { user: string; host: string; port: number }): string {
  return `imap:${s.user}@${s.host.toLowerCase()}:${s.port}`;
}
