/**
 * The TLS client-certificate card login of real mode, driven by node's own TLS client presenting test-PKI
 * certificates (issued by the test bench PKI with a key made here, as testing/tokens.ts does): a valid holder of a
 * known account gets a session and the dashboard; no certificate, an untrusted one, an expired one, or a card
 * without account reach the failure page, with the reason in the admin log; the handshake test says the same as JSON.
 */
import { request } from "node:https";
import * as x509 from "@cps-bridge/protocol/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATHS } from "./paths";
import { createMockPortal, type MockPortal } from "./portal";
import { TestBrowser } from "./testing/browser";
import { loadTestPki, makeCard } from "./testing/tokens";
import { TLS_DIAG_PATH } from "./tls-client-auth";

interface ClientId {
  key: string;
  cert: string;
}

const pem = (label: string, der: ArrayBuffer | Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der as ArrayBuffer)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END ${label}-----\n`;

async function clientFor(card: Awaited<ReturnType<typeof makeCard>>): Promise<ClientId> {
  return {
    key: pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", card.keys.privateKey)),
    cert: pem("CERTIFICATE", card.certificate),
  };
}

function get(
  portal: MockPortal,
  path: string,
  id?: ClientId,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, portal.tls!.url);
  return new Promise((resolve, reject) => {
    const r = request(url, { ca: portal.tls!.identity!.certPem, ...(id ?? {}), headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    r.on("error", reject);
    r.end();
  });
}

let portal: MockPortal;
let alice: ClientId;
let expired: ClientId;
let unknown: ClientId;
let untrusted: ClientId;

beforeAll(async () => {
  portal = createMockPortal({ mode: "real", tlsPort: 0 });
  await portal.start();
  const pki = await loadTestPki();
  alice = await clientFor(await makeCard(pki, { nationalId: "899700123456", surname: "TESTCPS", givenName: "Alice" }));
  expired = await clientFor(
    await makeCard(
      pki,
      { nationalId: "899700123456", surname: "TESTCPS", givenName: "Alice" },
      { notBefore: new Date(Date.now() - 800 * 86400_000), notAfter: new Date(Date.now() - 86400_000) },
    ),
  );
  unknown = await clientFor(
    await makeCard(pki, { nationalId: "899700999999", surname: "SANSCOMPTE", givenName: "Zoé" }),
  );
  // A certificate of the right shape signed by a key of its own: not from the test PKI.
  const alg: RsaHashedKeyGenParams = {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  };
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const self = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "02",
    name: "C=FR, CN=899700123456",
    notBefore: new Date(Date.now() - 86400_000),
    notAfter: new Date(Date.now() + 86400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  untrusted = {
    key: pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", keys.privateKey)),
    cert: self.toString("pem"),
  };
}, 120_000);
afterAll(() => portal.stop());

const RETURN = "%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB";
const failure = () => `http://localhost:${portal.port}${PATHS.cpsFailure}?ReturnUrl=${RETURN}`;

describe("TLS client-certificate card login (real mode)", () => {
  it("a valid test-PKI holder of a known account gets a session and the dashboard over plain http", async () => {
    const r = await get(portal, `${PATHS.loginCps}?ReturnUrl=${RETURN}`, alice);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`http://localhost:${portal.port}${PATHS.dashboard}`);
    const cookie = String(r.headers["set-cookie"]).split(";")[0]!;
    expect(cookie).toMatch(/^ASP\.NET_SessionId=/);
    expect(portal.admin.sessions().some((s) => s.method === "cps-tls" && s.accountId !== null)).toBe(true);
    // The plain-http portal honours the session (same host name, cookies ignore the port).
    const b = new TestBrowser(portal.url);
    b.cookies.set("ASP.NET_SessionId", cookie.split("=")[1]!);
    const dash = await b.get(PATHS.dashboard);
    expect(dash.status).toBe(200);
    expect(dash.text).toContain("TESTCPS");
    expect(portal.tls!.attempts.at(-1)).toMatchObject({ ok: true, nationalId: "899700123456", protocol: "TLSv1.2" });
  });

  it.each([
    ["no certificate", (): ClientId | undefined => undefined, "no-certificate"],
    ["an untrusted certificate", (): ClientId | undefined => untrusted, "untrusted"],
    ["an expired certificate", (): ClientId | undefined => expired, "expired"],
    ["a card without account", (): ClientId | undefined => unknown, "unknown-account"],
  ] as const)("%s → the failure page, reason in the admin log", async (_name, id, reason) => {
    const r = await get(portal, `${PATHS.loginCps}?ReturnUrl=${RETURN}`, id());
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(failure());
    expect(r.headers["set-cookie"]).toBeUndefined();
    expect(portal.tls!.attempts.at(-1)).toMatchObject({ ok: false, reason });
  });

  it("the handshake test reports the presented certificate, with CORS for a credentialed extension fetch", async () => {
    const origin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";
    const ok = await get(portal, TLS_DIAG_PATH, alice, { Origin: origin });
    expect(ok.status).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBe(origin);
    expect(ok.headers["access-control-allow-credentials"]).toBe("true");
    const report = JSON.parse(ok.body);
    expect(report).toMatchObject({
      ok: true,
      protocol: "TLSv1.2",
      certificate: { nationalId: "899700123456" },
      account: { nationalId: "899700123456", surname: "TESTCPS" },
    });
    const none = JSON.parse((await get(portal, TLS_DIAG_PATH)).body);
    expect(none).toMatchObject({ ok: false, reason: "no-certificate", certificate: null });
    const bad = JSON.parse((await get(portal, TLS_DIAG_PATH, untrusted)).body);
    expect(bad.ok).toBe(false);
    expect(bad.reason).toBe("untrusted");
    expect(bad.tlsError).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED/);
  });
});
