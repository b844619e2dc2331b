/**
 * The agent's mailbox source of the e-mailed login code (issue 11; docs/otp.md): the settings and password, the
 * connection test, the status, and one `otp.wait` at a time (a second replaces the first, which ends OTP_CANCELLED).
 * The mailIds it has answered are kept in memory only, so a code is never answered twice while the agent runs; a
 * restarted agent may see an old mail again, which the rules' 10-minute window and the portal's own single use bound.
 */
import { BridgeError, type ErrorCode } from "@cps-bridge/protocol/errors";
import { OTP_VALIDITY_MS } from "@cps-bridge/protocol/otp/rules";
import type { Logger } from "pino";
import { type CredentialStore, credentialAccount, KeyringFellBack } from "./credentials";
import { type ImapTarget, imapClient, imapError } from "./imap";
import { defaultSenders, loadMailboxSettings, type MailboxSettings, saveMailboxSettings } from "./settings";
import { type OtpFound, waitForOtp } from "./waiter";

export interface MailboxServiceOptions {
  settingsFile: string;
  credentials: CredentialStore;
  log: Logger;
  /** Extra trust anchors for IMAPS (test mode only: the test dovecot's certificate). */
  ca?: string[];
  now?: () => number;
}

export interface ConfigureInput {
  host: string;
  port: number;
  security: "tls" | "starttls" | "none";
  user: string;
  password?: string;
  senders?: string[];
  deleteAfterUse?: boolean;
}

export type TestInput = Partial<Omit<ConfigureInput, "senders" | "deleteAfterUse">>;

export interface WaitInput {
  since: number;
  timeoutMs: number;
  portalOrigin: string;
}

export interface WaitHooks {
  signal?: AbortSignal;
  onRefused?: (reason: "auth-failed", mailDate: number) => void;
}

export class MailboxService {
  private readonly used = new Set<string>();
  private current: AbortController | undefined;
  private connected = false;
  private lastErrorCode: ErrorCode | undefined;
  private readonly now: () => number;

  constructor(private readonly o: MailboxServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  get credentialKind(): "keyring" | "file" {
    return this.o.credentials.kind;
  }

  settings(): MailboxSettings | undefined {
    return loadMailboxSettings(this.o.settingsFile);
  }

  async configure(p: ConfigureInput): Promise<{ saved: true; credentialStore: "keyring" | "file" }> {
    const previous = this.settings();
    const next: MailboxSettings = {
      host: p.host,
      port: p.port,
      security: p.security,
      user: p.user,
      senders: p.senders ?? previous?.senders ?? defaultSenders(),
      deleteAfterUse: p.deleteAfterUse ?? previous?.deleteAfterUse ?? false,
    };
    let store = this.o.credentials.kind;
    const account = credentialAccount(next);
    if (p.password !== undefined) {
      try {
        await this.o.credentials.set(account, p.password);
      } catch (err) {
        if (!(err instanceof KeyringFellBack)) throw err;
        store = "file";
      }
    } else if ((await this.o.credentials.get(account)) === undefined) {
      throw new BridgeError("OTP_MAILBOX_NOT_CONFIGURED", "no password saved for this mailbox", {
        missing: "password",
      });
    }
    if (previous) {
      const old = credentialAccount(previous);
      if (old !== account) await this.o.credentials.delete(old);
    }
    saveMailboxSettings(this.o.settingsFile, next);
    this.lastErrorCode = undefined;
    this.o.log.info(
      {
        event: "mailbox.configured",
        host: next.host,
        port: next.port,
        security: next.security,
        credentialStore: store,
      },
      "mailbox settings saved",
    );
    return { saved: true, credentialStore: store };
  }

  private async target(p: TestInput = {}): Promise<ImapTarget> {
    const saved = this.settings();
    const host = p.host ?? saved?.host;
    const port = p.port ?? saved?.port;
    const security = p.security ?? saved?.security;
    const user = p.user ?? saved?.user;
    if (!host || !port || !security || !user) {
      throw new BridgeError("OTP_MAILBOX_NOT_CONFIGURED", "no mailbox configured");
    }
    // A test of changed settings (another port, TLS mode) reuses the saved password of the same user and host.
    const sameAccount = saved && saved.host === host && saved.user === user;
    const password =
      p.password ??
      (await this.o.credentials.get(credentialAccount({ host, port, user }))) ??
      (sameAccount ? await this.o.credentials.get(credentialAccount(saved)) : undefined);
    if (password === undefined) {
      throw new BridgeError("OTP_MAILBOX_NOT_CONFIGURED", "no password saved for this mailbox", {
        missing: "password",
      });
    }
    return { host, port, security, user, password, ...(this.o.ca ? { ca: this.o.ca } : {}) };
  }

  async test(p: TestInput = {}): Promise<{ ok: true; latencyMs: number; mailboxes: number }> {
    const t = await this.target(p);
    const started = performance.now();
    const client = imapClient(t);
    client.on("error", () => undefined);
    try {
      await client.connect();
      const list = await client.list();
      const latencyMs = Math.round(performance.now() - started);
      this.lastErrorCode = undefined;
      this.o.log.info({ event: "mailbox.test.ok", host: t.host, latencyMs }, "mailbox test passed");
      return { ok: true, latencyMs, mailboxes: list.length };
    } catch (err) {
      const e = imapError(err, t);
      this.lastErrorCode = e.code;
      this.o.log.warn({ event: "mailbox.test.failed", host: t.host, code: e.code }, "mailbox test failed");
      throw e;
    } finally {
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    }
  }

  /** Configured or not, connected or not, and the saved settings (which hold no password). */
  status(): { configured: boolean; connected: boolean; lastErrorCode?: string } & Partial<MailboxSettings> {
    const s = this.settings();
    return {
      configured: s !== undefined,
      connected: this.connected,
      ...(s ? { ...s, senders: [...s.senders] } : {}),
      ...(this.lastErrorCode ? { lastErrorCode: this.lastErrorCode } : {}),
    };
  }

  /** Waits for the code; a second call cancels the first (OTP_CANCELLED). */
  async wait(p: WaitInput, hooks: WaitHooks = {}): Promise<OtpFound> {
    const settings = this.settings();
    if (!settings) throw new BridgeError("OTP_MAILBOX_NOT_CONFIGURED", "no mailbox configured");
    const target = await this.target();
    this.current?.abort(new BridgeError("OTP_CANCELLED", "replaced by a newer otp.wait"));
    const mine = new AbortController();
    this.current = mine;
    const onOuterAbort = () => mine.abort(new BridgeError("OTP_CANCELLED", "the request ended"));
    hooks.signal?.addEventListener("abort", onOuterAbort, { once: true });
    const started = this.now();
    this.o.log.info({ event: "otp.wait.started", timeoutMs: p.timeoutMs }, "waiting for the code mail");
    try {
      const found = await waitForOtp({
        target,
        since: p.since,
        deadline: started + Math.min(p.timeoutMs, OTP_VALIDITY_MS),
        allowList: settings.senders,
        used: this.used,
        signal: mine.signal,
        log: this.o.log,
        deleteAfterUse: settings.deleteAfterUse,
        now: this.now,
        onConnected: (c) => {
          this.connected = c;
        },
        ...(hooks.onRefused ? { onRefused: hooks.onRefused } : {}),
      });
      this.used.add(found.mailId);
      this.lastErrorCode = undefined;
      this.o.log.info({ event: "otp.wait.found", ms: this.now() - started, auth: found.auth }, "code mail found");
      return found;
    } catch (err) {
      const e = err instanceof BridgeError ? err : imapError(err, target);
      if (e.code.startsWith("OTP_IMAP_")) this.lastErrorCode = e.code;
      this.o.log.info({ event: "otp.wait.ended", code: e.code }, "otp.wait ended without a code");
      throw e;
    } finally {
      hooks.signal?.removeEventListener("abort", onOuterAbort);
      if (this.current === mine) this.current = undefined;
    }
  }

  cancel(): boolean {
    const c = this.current;
    if (!c) return false;
    c.abort(new BridgeError("OTP_CANCELLED", "otp.cancel"));
    return true;
  }

  close(): void {
    this.cancel();
  }
}
