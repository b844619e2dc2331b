/**
 * `createMockPortal(options)`: the mock ViaTrajectoire portal as an object tests and the Puppeteer kit start and
 * stop in-process, with every admin action available directly (`portal.admin.*`) as well as over HTTP
 * (`/__admin/…`). The CLI (cli.ts) wraps it. See docs/mock-portal.md.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AccountStore, DEFAULT_ACCOUNTS, type MockAccount, type MockAccountInput } from "./accounts";
import { MockClock } from "./clock";
import { DEFAULT_SEED } from "./data/fake-dataset";
import type { Dossier } from "./data/model";
import { type ChangeEvent, DossierStore } from "./data/store";
import { Context, HttpError } from "./http/context";
import { Router } from "./http/router";
import { Mailbox, type MailRecord } from "./mail/mailbox";
import { ensureMaildir } from "./mail/maildir";
import { type OtpMailVariant, otpVariantMail } from "./mail/otp-variants";
import type { OtpPolicy } from "./otp";
import { errorPage } from "./pages/static";
import { PATHS } from "./paths";
import { PSC_CLIENT_ID, PscProvider } from "./psc/provider";
import { registerAdminRoutes } from "./routes/admin";
import { registerAppRoutes } from "./routes/app";
import { registerCpsRoutes } from "./routes/auth-cps";
import { registerPasswordRoutes } from "./routes/auth-password";
import { registerPscPortalRoutes } from "./routes/auth-psc";
import { registerPublicRoutes } from "./routes/public";
import type { CpsMode, RealCpsOutcome, Runtime } from "./runtime";
import type { AuthMethod } from "./sessions";
import { SessionStore } from "./sessions";
import { createTlsCardLogin, type TlsCardLogin } from "./tls-client-auth";

export interface MockPortalOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address (default 127.0.0.1: the mock is for this machine only). */
  host?: string;
  /** Card login mode (default `token`); switchable at runtime. */
  mode?: CpsMode;
  /** In `real` mode, what the card button does (default: the failure page). */
  realCpsOutcome?: RealCpsOutcome;
  /** Maildir (the folder holding tmp/ new/ cur/) where mails are also delivered, for dovecot. */
  mailboxDir?: string;
  /** Real milliseconds between "sent" and "delivered" (default 0: delivered before the HTTP answer). */
  mailDelayMs?: number;
  /** Sliding idle expiry of sessions, minutes (default 30). */
  sessionIdleMinutes?: number;
  /** OTP validity, minutes (default 10), and tries (default 5), and resends per login (default 5). */
  otpValidityMinutes?: number;
  otpMaxTries?: number;
  otpMaxResends?: number;
  /** Seed of the fake data set (default 20250505). */
  seed?: number;
  /** What "now" is when the portal is created (default: the real now). The clock then runs normally. */
  now?: Date | string;
  /** Replace the default accounts. */
  accounts?: MockAccountInput[];
  /** Accounts added to the defaults (e.g. the test bench's card holders). */
  extraAccounts?: MockAccountInput[];
  /** PEM text (one or more certificates) trusted for cps-bridge tokens. */
  trustAnchors?: string | string[];
  /** A PEM file of trust anchors (e.g. the test PKI's anchorsPath). Default: the test bench PKI (loadTestPki). */
  testAnchorsFile?: string;
  /** "ViaTrajectoire" (default) or e.g. "ViaTrajectoire Formation" as in the guide's screenshot. */
  instanceName?: string;
  /** The origin browsers use when it is not http://<host>:<port> (e.g. behind a proxy). */
  publicOrigin?: string;
  /** Serve /__admin and /__mailbox (default true). */
  admin?: boolean;
  /** Allow the pages in frames (default true, as the real site apparently did: viatrajectoire.md §2.1). */
  allowFraming?: boolean;
  /** One line per request (method, path without query, status) — never bodies, codes or tokens. */
  log?: (line: string) => void;
  /** Real mode's TLS client-certificate card login on this port (0 = any free one); none when undefined
   * (tls-client-auth.ts). */
  tlsPort?: number;
}

export interface SessionView {
  id: string;
  accountId: string | null;
  method: AuthMethod | null;
  createdAt: string;
  lastSeen: string;
  expiresAt: string;
  pending: string[];
}

export interface OtpView {
  code: string;
  to: string;
  subject: string;
  date: string;
  delivered: boolean;
}

export interface PortalStateView {
  url: string | null;
  mode: CpsMode;
  realCpsOutcome: RealCpsOutcome;
  now: string;
  clockOffsetMs: number;
  sessionIdleMinutes: number;
  mailDelayMs: number;
  maildir: string | null;
  mailsInTransit: number;
  counts: Record<"encours" | "annules" | "horspatientele", number>;
  dossiers: number;
  sessions: number;
  seed: number;
}

/** Everything the admin endpoints do, callable in-process. */
export interface AdminApi {
  state(): PortalStateView;
  advanceClock(ms: number): Date;
  setClock(now: Date): Date;
  dossiers(): Dossier[];
  dossier(numero: string): Dossier;
  addDossier(input: Record<string, unknown>): Dossier;
  changeDossier(numero: string, patch: Record<string, unknown>): Dossier;
  /** A new establishment answer: `{ finess?, etablissement?, ville?, statut, motif?, dateEntree? }`. */
  answer(numero: string, input: Record<string, unknown>): Dossier;
  changes(sinceSeq?: number): ChangeEvent[];
  setCpsMode(mode: CpsMode, realOutcome?: RealCpsOutcome): void;
  setMailDelay(ms: number): void;
  /** The shape of the next OTP mails (mail/otp-variants.ts). */
  setOtpMailVariant(variant: OtpMailVariant): void;
  /**
   * Sends one more mail to the last OTP mail's recipient, in a variant, carrying the pending code (default) or
   * another one — e.g. a look-alike sender's mail, which the autofill must never take.
   */
  sendOtpVariant(variant: OtpMailVariant, code?: string): MailRecord;
  mails(o?: { delivered?: boolean }): MailRecord[];
  lastMail(): MailRecord | undefined;
  lastOtp(): OtpView | undefined;
  sessions(): SessionView[];
  /** Ends every session (as an idle timeout would). Returns how many. */
  expireSessions(): number;
  accounts(): Omit<MockAccount, "passwordHash">[];
  addAccount(input: MockAccountInput): Omit<MockAccount, "passwordHash">;
  /** New data set (optionally another seed), no sessions, no mail, clock back to the start offset. */
  reset(seed?: number): void;
}

export interface MockPortal {
  start(): Promise<string>;
  stop(): Promise<void>;
  /** `http://127.0.0.1:<port>` once started. */
  readonly url: string;
  readonly port: number;
  /** Ready-made URLs. */
  readonly urls: { home: string; login: string; dashboard: string; mailbox: string; admin: string };
  readonly admin: AdminApi;
  readonly clock: MockClock;
  readonly dossiers: DossierStore;
  readonly mailbox: Mailbox;
  readonly accounts: AccountStore;
  /** The TLS client-certificate card login (when `tlsPort` was given). */
  readonly tls: TlsCardLogin | undefined;
  /** The fake Pro Santé Connect's client registration (for tests acting as the relying party). */
  readonly psc: { clientId: string; clientSecret: string; issuer: () => string };
}

export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export function createMockPortal(options: MockPortalOptions = {}): MockPortal {
  const host = options.host ?? "127.0.0.1";
  const start = options.now === undefined ? undefined : new Date(options.now);
  if (start && Number.isNaN(start.getTime())) throw new RangeError("now must be a date");
  const clock = new MockClock(start);
  const startOffset = clock.offset;
  const idleMinutes = options.sessionIdleMinutes ?? 30;
  const sessions = new SessionStore(clock, idleMinutes * 60_000);
  const accountInputs = [...(options.accounts ?? DEFAULT_ACCOUNTS), ...(options.extraAccounts ?? [])];
  const accounts = new AccountStore(accountInputs);
  const dossiers = new DossierStore(clock, options.seed ?? DEFAULT_SEED);
  if (options.mailboxDir) ensureMaildir(options.mailboxDir);
  const mailbox = new Mailbox(options.mailDelayMs ?? 0, options.mailboxDir);
  const otpPolicy: OtpPolicy = {
    validityMs: (options.otpValidityMinutes ?? 10) * 60_000,
    maxTries: options.otpMaxTries ?? 5,
  };

  let server: Server | undefined;
  let port = 0;
  const listenOrigin = () => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const loopbackBase = () =>
    host === "0.0.0.0" || host === "::" || host === "127.0.0.1" ? `http://127.0.0.1:${port}` : listenOrigin();
  const ownOrigins = (): string[] => {
    const list = new Set<string>();
    if (options.publicOrigin) list.add(new URL(options.publicOrigin).origin);
    list.add(listenOrigin());
    if (["127.0.0.1", "0.0.0.0", "::", "localhost"].includes(host)) {
      list.add(`http://127.0.0.1:${port}`);
      list.add(`http://localhost:${port}`);
    }
    return [...list];
  };

  let anchorsPromise: Promise<string[]> | undefined;
  const trustAnchors = (): Promise<string[]> => {
    anchorsPromise ??= (async () => {
      if (options.trustAnchors)
        return (Array.isArray(options.trustAnchors) ? options.trustAnchors : [options.trustAnchors]).flatMap(splitPem);
      if (options.testAnchorsFile) return splitPem(readFileSync(options.testAnchorsFile, "utf8"));
      const { loadTestPki } = await import("@cps-bridge/scripts/testbed/pki");
      return splitPem((await loadTestPki()).anchorsPem);
    })();
    anchorsPromise.catch(() => {
      anchorsPromise = undefined;
    });
    return anchorsPromise;
  };

  const rt: Runtime = {
    clock,
    sessions,
    accounts,
    dossiers,
    mailbox,
    otpPolicy,
    instanceName: options.instanceName ?? "ViaTrajectoire",
    cpsMode: options.mode ?? "token",
    realCpsOutcome: options.realCpsOutcome ?? { kind: "failure" },
    trustAnchors,
    ownOrigins,
    otpMaxResends: options.otpMaxResends ?? 5,
    otpMailVariant: "standard",
  };

  const psc = new PscProvider(clock, ownOrigins, (idnat) => {
    const a = accounts.byNationalId(idnat);
    return a ? { givenName: a.givenName, familyName: a.surname } : undefined;
  });

  const publicAccount = (a: MockAccount): Omit<MockAccount, "passwordHash"> => {
    const { passwordHash, ...rest } = a;
    return rest;
  };

  const admin: AdminApi = {
    state: () => ({
      url: server ? loopbackBase() : null,
      mode: rt.cpsMode,
      realCpsOutcome: rt.realCpsOutcome,
      now: clock.now().toISOString(),
      clockOffsetMs: clock.offset,
      sessionIdleMinutes: sessions.idleMs / 60_000,
      mailDelayMs: mailbox.delayMs,
      maildir: mailbox.maildir ?? null,
      mailsInTransit: mailbox.inTransit,
      counts: dossiers.counts(),
      dossiers: dossiers.list().length,
      sessions: sessions.list().length,
      seed: dossiers.seed,
    }),
    advanceClock: (ms) => clock.advance(ms),
    setClock: (d) => clock.set(d),
    dossiers: () => dossiers.list(),
    dossier: (n) => dossiers.require(n),
    addDossier: (input) => dossiers.add(input),
    changeDossier: (n, patch) => dossiers.update(n, patch),
    answer: (n, input) => dossiers.answer(n, input),
    changes: (since = 0) => dossiers.changes(since),
    setCpsMode: (mode, outcome = { kind: "failure" }) => {
      rt.cpsMode = mode;
      rt.realCpsOutcome = outcome;
    },
    setMailDelay: (ms) => {
      mailbox.delayMs = ms;
    },
    setOtpMailVariant: (variant) => {
      rt.otpMailVariant = variant;
    },
    sendOtpVariant: (variant, code) => {
      const last = mailbox.last("otp");
      if (!last) throw new RangeError("no OTP mail sent yet: log in with the password first");
      const c = code ?? last.meta.code ?? "000000";
      return mailbox.send(
        otpVariantMail(variant, {
          code: c,
          to: last.to,
          date: clock.now(),
          instance: rt.instanceName,
          validityMinutes: Math.round(otpPolicy.validityMs / 60_000),
        }),
        "otp-variant",
        { code: c, variant },
      );
    },
    mails: (o = {}) => (o.delivered ? mailbox.delivered() : mailbox.all()),
    lastMail: () => mailbox.last(),
    lastOtp: () => {
      const m = mailbox.last("otp");
      return m
        ? { code: m.meta.code!, to: m.to, subject: m.subject, date: m.date, delivered: Boolean(m.deliveredAt) }
        : undefined;
    },
    sessions: () =>
      sessions.list().map((s) => ({
        // A prefix is enough to tell sessions apart; the full id would be a usable cookie.
        id: `${s.id.slice(0, 6)}…`,
        accountId: s.auth?.accountId ?? null,
        method: s.auth?.method ?? null,
        createdAt: new Date(s.createdAt).toISOString(),
        lastSeen: new Date(s.lastSeen).toISOString(),
        expiresAt: new Date(sessions.expiresAt(s)).toISOString(),
        pending: [s.otp ? "otp" : "", s.cps ? "cps-challenge" : "", s.psc ? "psc" : ""].filter(Boolean),
      })),
    expireSessions: () => {
      const n = sessions.list().length;
      sessions.clear();
      return n;
    },
    accounts: () => accounts.list().map(publicAccount),
    addAccount: (input) => publicAccount(accounts.add(input)),
    reset: (seed) => {
      clock.set(new Date(Date.now() + startOffset));
      sessions.clear();
      mailbox.clear();
      psc.reset();
      dossiers.reset(seed ?? dossiers.seed);
      rt.cpsMode = options.mode ?? "token";
      rt.realCpsOutcome = options.realCpsOutcome ?? { kind: "failure" };
    },
  };

  const tls =
    options.tlsPort === undefined
      ? undefined
      : createTlsCardLogin(rt, { port: options.tlsPort, host, httpBase: () => `http://localhost:${port}` });

  const router = new Router();
  registerPublicRoutes(router, rt);
  registerPasswordRoutes(router, rt);
  registerCpsRoutes(router, rt);
  registerPscPortalRoutes(router, rt, psc, loopbackBase);
  psc.register(router);
  registerAppRoutes(router, rt);
  if (options.admin !== false) registerAdminRoutes(router, admin, ownOrigins);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    if (options.allowFraming === false) res.setHeader("X-Frame-Options", "SAMEORIGIN");
    let ctx: Context;
    try {
      const hostHeader = req.headers.host;
      ctx = new Context(req, res, hostHeader ? new URL(`http://${hostHeader}`).origin : loopbackBase());
    } catch {
      res.writeHead(400, { "Content-Type": "text/plain" }).end("Bad Request");
      return;
    }
    if (options.log) {
      const { method, url } = ctx;
      res.on("finish", () => options.log?.(`${method} ${url.pathname} ${res.statusCode}`));
    }
    const isApi = ctx.url.pathname.startsWith("/__") || ctx.url.pathname.startsWith(`${PATHS.psc}/`);
    try {
      const m = router.match(ctx.method, ctx.url.pathname);
      if (m === null) {
        if (isApi) ctx.json({ error: "not found" }, 404);
        else ctx.html(errorPage(404, "Page introuvable", "La page demandée n'existe pas."), 404);
      } else if (m === "method") {
        if (isApi) ctx.json({ error: "method not allowed" }, 405);
        else ctx.html(errorPage(405, "Méthode non autorisée", "Cette action n'est pas permise sur cette page."), 405);
      } else {
        ctx.params = m.params;
        await m.handler(ctx);
      }
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = e instanceof HttpError ? e.status : 500;
      if (status === 500) options.log?.(`error ${ctx.method} ${ctx.url.pathname}: ${(e as Error).stack ?? e}`);
      const message = e instanceof HttpError ? e.message : "Une erreur est survenue sur le serveur.";
      if (isApi) ctx.json({ error: message }, status);
      else ctx.html(errorPage(status, status === 500 ? "Erreur serveur" : "Requête invalide", message), status);
    }
  }

  const portal: MockPortal = {
    async start() {
      if (server) return loopbackBase();
      const s = createServer((req, res) => {
        handle(req, res).catch(() => res.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(options.port ?? 0, host, () => {
          s.off("error", reject);
          resolve();
        });
      });
      server = s;
      port = (s.address() as AddressInfo).port;
      await tls?.start();
      return loopbackBase();
    },
    async stop() {
      const s = server;
      server = undefined;
      mailbox.clear();
      await tls?.stop();
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    get url() {
      if (!server) throw new Error("mock portal not started");
      return loopbackBase();
    },
    get port() {
      return port;
    },
    get urls() {
      const u = portal.url;
      return {
        home: `${u}${PATHS.home}`,
        login: `${u}${PATHS.login}?ReturnUrl=${encodeURIComponent(PATHS.dashboard).replace(/%[0-9A-F]{2}/g, (x) => x.toLowerCase())}`,
        dashboard: `${u}${PATHS.dashboard}`,
        mailbox: `${u}${PATHS.mailbox}`,
        admin: `${u}${PATHS.admin}`,
      };
    },
    admin,
    tls,
    clock,
    dossiers,
    mailbox,
    accounts,
    psc: { clientId: PSC_CLIENT_ID, clientSecret: psc.clientSecret, issuer: () => psc.issuer() },
  };
  return portal;
}

/** Creates and starts in one call. */
export async function startMockPortal(options: MockPortalOptions = {}): Promise<MockPortal> {
  const p = createMockPortal(options);
  await p.start();
  return p;
}
