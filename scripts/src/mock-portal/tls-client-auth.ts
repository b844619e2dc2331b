/**
 * Real mode's TLS client-certificate card login (issue 10 §7): an HTTPS listener that asks the browser for a client
 * certificate, as today's portal does with the Cryptolib (viatrajectoire.md §2.3: "so the browser can do TLS client
 * authentication with the card" [V]; the exact server set-up of the real portal is unknown [U]).
 *
 * - `GET /Trajectoire/Pages/AccesLibre/LoginCPS.aspx?ReturnUrl=…` over this listener: a certificate chaining to the
 *   trust anchors (the test PKI), valid on the mock clock, of a known account → a session (method `cps-tls`) and a
 *   302 to the ReturnUrl on the plain-http portal; anything else → 302 to the portal's own failure page
 *   `ErreurCPS.aspx` (« La lecture de la carte CPS a échoué »), the reason kept in `attempts` (admin log).
 *   [U] the real portal's path for the TLS login is unknown; we reuse LoginCPS.aspx (viatrajectoire.md §8, [G]).
 * - `GET /__diag/tls-client-auth`: the handshake test the official verification tool runs — JSON about the
 *   certificate the browser presented (no PIN, nothing secret). CORS: the requesting origin is echoed with
 *   credentials, so an extension page can read it (client certificates are only sent for credentialed requests).
 *
 * `rejectUnauthorized: false` so the handler, not the TLS layer, answers a clean failure page. TLS 1.2 at most:
 * OpenSC's module offers no RSA-PSS for the CPS3 (docs/testbed.md), which TLS 1.3 client auth requires.
 * The session cookie is set without `Secure` and without a port (cookies ignore ports), so the plain-http portal on
 * the same host name sees the session: use the same host name (e.g. `localhost`) for both.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import * as x509 from "@cps-bridge/protocol/x509";
import { aspNetUrlEncode, PATHS, safeReturnUrl } from "./paths";
import type { Runtime } from "./runtime";
import { SESSION_COOKIE } from "./sessions";

x509.cryptoProvider.set(globalThis.crypto);

export const TLS_DIAG_PATH = "/__diag/tls-client-auth";

export type TlsFailureReason =
  | "no-certificate"
  | "untrusted"
  | "expired"
  | "not-yet-valid"
  | "not-a-holder"
  | "unknown-account";

export interface TlsAttempt {
  at: string;
  path: string;
  ok: boolean;
  reason?: TlsFailureReason;
  /** node's authorizationError (e.g. CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE) */
  tlsError?: string;
  nationalId?: string;
  protocol?: string;
}

export interface HandshakeReport {
  ok: boolean;
  reason?: TlsFailureReason;
  tlsError?: string;
  protocol: string | null;
  cipher: string | null;
  certificate: null | {
    subject: string;
    issuer: string;
    nationalId: string | null;
    validFrom: string;
    validTo: string;
    fingerprint256: string;
  };
  account: null | { nationalId: string; surname: string; givenName: string };
}

export interface TlsServerIdentity {
  keyPem: string;
  certPem: string;
}

/** A self-signed server certificate for `localhost` / 127.0.0.1 (RSA 2048, 30 days). Trust it explicitly. */
export async function makeServerIdentity(names: string[] = ["localhost", "127.0.0.1"]): Promise<TlsServerIdentity> {
  const alg: RsaHashedKeyGenParams = {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  };
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=cps-bridge mock portal (test only), O=cps-bridge test",
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 30 * 24 * 3600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (/^[\d.]+$/.test(n) ? { type: "ip" as const, value: n } : { type: "dns" as const, value: n })),
      ),
    ],
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
  return { keyPem, certPem: cert.toString("pem") };
}

export interface TlsCardLoginOptions {
  port?: number;
  host?: string;
  /** The plain-http portal's base as the browser sees it, e.g. http://localhost:PORT (redirect target). */
  httpBase: () => string;
  identity?: TlsServerIdentity;
}

export interface TlsCardLogin {
  start(): Promise<string>;
  stop(): Promise<void>;
  /** https://localhost:PORT once started */
  readonly url: string;
  readonly identity: TlsServerIdentity | undefined;
  /** The reasons of every card-login and handshake-test attempt (admin log, newest last, at most 100). */
  readonly attempts: TlsAttempt[];
}

/** The verdict on the certificate of this TLS connection. */
export function judge(rt: Runtime, socket: TLSSocket): HandshakeReport {
  const peer = socket.getPeerCertificate();
  const protocol = socket.getProtocol();
  const cipher = socket.getCipher()?.name ?? null;
  const base = { protocol, cipher, account: null };
  if (!peer?.raw) return { ok: false, reason: "no-certificate", certificate: null, ...base };
  const cert = new x509.X509Certificate(new Uint8Array(peer.raw));
  const nationalId = cert.subjectName.getField("CN")[0] ?? null;
  const certificate = {
    subject: cert.subject,
    issuer: cert.issuer,
    nationalId,
    validFrom: cert.notBefore.toISOString(),
    validTo: cert.notAfter.toISOString(),
    fingerprint256: peer.fingerprint256,
  };
  const err = socket.authorizationError ? String(socket.authorizationError) : undefined;
  const now = rt.clock.nowMs();
  const fail = (reason: TlsFailureReason): HandshakeReport => ({
    ok: false,
    reason,
    ...(err ? { tlsError: err } : {}),
    certificate,
    ...base,
  });
  if (err === "CERT_HAS_EXPIRED" || now > cert.notAfter.getTime()) return fail("expired");
  if (err === "CERT_NOT_YET_VALID" || now < cert.notBefore.getTime()) return fail("not-yet-valid");
  if (!socket.authorized) return fail("untrusted");
  if (!nationalId) return fail("not-a-holder");
  const account = rt.accounts.byNationalId(nationalId);
  if (!account) return fail("unknown-account");
  return {
    ok: true,
    certificate,
    ...base,
    account: { nationalId, surname: account.surname, givenName: account.givenName },
  };
}

export function createTlsCardLogin(rt: Runtime, options: TlsCardLoginOptions): TlsCardLogin {
  const host = options.host ?? "127.0.0.1";
  let server: Server | undefined;
  let port = 0;
  let identity = options.identity;
  const attempts: TlsAttempt[] = [];
  const record = (a: TlsAttempt) => {
    attempts.push(a);
    if (attempts.length > 100) attempts.shift();
  };

  const self: TlsCardLogin = {
    async start() {
      if (server) return self.url;
      identity ??= await makeServerIdentity();
      const ca = await rt.trustAnchors();
      const s = createServer(
        {
          key: identity.keyPem,
          cert: identity.certPem,
          ca,
          requestCert: true,
          rejectUnauthorized: false,
          maxVersion: "TLSv1.2",
        },
        (req, res) => {
          const url = new URL(req.url ?? "/", "https://localhost");
          const socket = req.socket as TLSSocket;
          res.setHeader("X-Content-Type-Options", "nosniff");
          res.setHeader("Cache-Control", "no-store");
          const path = url.pathname.toLowerCase();
          if (req.method === "OPTIONS") {
            const origin = req.headers.origin;
            res.writeHead(204, {
              ...(origin ? { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true" } : {}),
              "Access-Control-Allow-Methods": "GET",
              Vary: "Origin",
            });
            res.end();
            return;
          }
          if (req.method !== "GET") {
            res.writeHead(405, { "Content-Type": "text/plain" }).end("Method Not Allowed");
            return;
          }
          const verdict = judge(rt, socket);
          record({
            at: rt.clock.now().toISOString(),
            path: url.pathname,
            ok: verdict.ok,
            ...(verdict.reason ? { reason: verdict.reason } : {}),
            ...(verdict.tlsError ? { tlsError: verdict.tlsError } : {}),
            ...(verdict.certificate?.nationalId ? { nationalId: verdict.certificate.nationalId } : {}),
            ...(verdict.protocol ? { protocol: verdict.protocol } : {}),
          });
          if (path === TLS_DIAG_PATH) {
            const origin = req.headers.origin;
            res.writeHead(200, {
              "Content-Type": "application/json; charset=utf-8",
              ...(origin ? { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true" } : {}),
              Vary: "Origin",
            });
            res.end(JSON.stringify(verdict));
            return;
          }
          if (path === PATHS.loginCps.toLowerCase()) {
            const returnUrl = safeReturnUrl(url.searchParams.get("ReturnUrl"));
            const http = options.httpBase();
            if (!verdict.ok || !verdict.account) {
              res.writeHead(302, { Location: `${http}${PATHS.cpsFailure}?ReturnUrl=${aspNetUrlEncode(returnUrl)}` });
              res.end();
              return;
            }
            const account = rt.accounts.byNationalId(verdict.account.nationalId)!;
            const s = rt.sessions.create();
            s.auth = { accountId: account.id, method: "cps-tls", at: rt.clock.nowMs() };
            // No Secure, so the plain-http portal on the same host name gets it (cookies ignore the port).
            res.writeHead(302, {
              Location: `${http}${returnUrl}`,
              "Set-Cookie": `${SESSION_COOKIE}=${s.id}; Path=/; SameSite=Lax; HttpOnly`,
            });
            res.end();
            return;
          }
          res.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found");
        },
      );
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(options.port ?? 0, host, () => {
          s.off("error", reject);
          resolve();
        });
      });
      server = s;
      port = (s.address() as AddressInfo).port;
      return self.url;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    get url() {
      if (!server) throw new Error("TLS card login not started");
      return `https://localhost:${port}`;
    },
    get identity() {
      return identity;
    },
    attempts,
  };
  return self;
}
