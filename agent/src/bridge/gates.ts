/**
 * The handshake gates, checked on the HTTP upgrade request before any WebSocket exists (anchors.md §(a) "Handshake
 * gates, in order"). Browsers never apply the same-origin policy to WebSocket handshakes and never preflight them
 * (anchors.md §3, cross-site WebSocket hijacking), so these checks are the only thing between a web page and the card:
 *
 * 1. peer address is loopback (defence in depth: the socket is bound to 127.0.0.1 anyway);
 * 2. `Host` is exactly `127.0.0.1:<port>` or `localhost:<port>` — a DNS-rebinding page has its own host name there
 *    (→ 421 Misdirected Request);
 * 3. `Origin` is exactly one of the configured extension origins (the Chrome/Edge id pinned by the manifest key), or
 *    a Firefox `moz-extension://<uuid>` origin. A Firefox origin that is not paired yet is let through in
 *    "pairing only" mode (it may call `hello`, `pair.complete` and `heartbeat`), because Firefox gives every install
 *    a random UUID (anchors.md §3, aw-server-rust#24) that no static list can hold. Everything else — no Origin,
 *    `null` (sandboxed frames, file://), http(s) pages, any other `chrome-extension://` id (BrowserSkill#273:
 *    "looks like an extension" is not enough) — is refused (→ 403).
 */
import { isIP } from "node:net";

export type OriginVerdict =
  | { ok: true; kind: "extension" | "paired-firefox" | "unpaired-firefox" }
  | { ok: false; reason: RefusalReason };

export type RefusalReason =
  | "remote-address"
  | "host"
  | "origin-missing"
  | "origin-null"
  | "origin-web"
  | "origin-extension-unknown"
  | "origin-malformed"
  | "too-many-connections"
  | "too-many-unauthenticated"
  | "not-websocket"
  | "shutting-down";

const FIREFOX_ORIGIN = /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  if (address === "::1" || address === "::ffff:127.0.0.1") return true;
  return isIP(address) === 4 && address.startsWith("127.");
}

/** Gate 2: Host exactly `127.0.0.1:<port>` or `localhost:<port>` (one header, no variations). */
export function hostAllowed(host: string | string[] | undefined, port: number): boolean {
  if (typeof host !== "string") return false;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Gate 3. `isPairedOrigin` answers whether a pairing was made from this exact origin. */
export function classifyOrigin(
  origin: string | string[] | undefined,
  allowed: ReadonlySet<string>,
  isPairedOrigin: (origin: string) => boolean,
): OriginVerdict {
  if (origin === undefined) return { ok: false, reason: "origin-missing" };
  if (typeof origin !== "string") return { ok: false, reason: "origin-malformed" };
  if (origin === "null") return { ok: false, reason: "origin-null" };
  if (allowed.has(origin)) return { ok: true, kind: "extension" };
  if (FIREFOX_ORIGIN.test(origin)) {
    return { ok: true, kind: isPairedOrigin(origin) ? "paired-firefox" : "unpaired-firefox" };
  }
  if (/^https?:\/\//i.test(origin)) return { ok: false, reason: "origin-web" };
  if (/^[a-z-]*extension:\/\//i.test(origin)) return { ok: false, reason: "origin-extension-unknown" };
  return { ok: false, reason: "origin-malformed" };
}

/** HTTP status of each refusal (no upgrade happens). */
export function refusalStatus(reason: RefusalReason): number {
  switch (reason) {
    case "host":
      return 421;
    case "too-many-connections":
    case "too-many-unauthenticated":
    case "shutting-down":
      return 503;
    case "not-websocket":
      return 426;
    default:
      return 403;
  }
}

/**
 * Logs each refused handshake once per reason, then at most `perMinute` lines per reason per minute, with a count
 * of what was suppressed: a page hammering the port must not fill the disk (rotation bounds it, this bounds the rate).
 */
export class RefusalLog {
  private readonly perReason = new Map<RefusalReason, { windowStart: number; logged: number; suppressed: number }>();
  constructor(
    private readonly write: (reason: RefusalReason, fields: Record<string, unknown>) => void,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  refused(reason: RefusalReason, fields: Record<string, unknown>): void {
    const t = this.now();
    let s = this.perReason.get(reason);
    if (!s || t - s.windowStart >= 60_000) {
      const suppressed = s?.suppressed ?? 0;
      s = { windowStart: t, logged: 0, suppressed: 0 };
      this.perReason.set(reason, s);
      if (suppressed > 0) fields = { ...fields, suppressedSinceLastLine: suppressed };
    }
    if (s.logged < Math.max(1, this.perMinute)) {
      s.logged++;
      this.write(reason, fields);
    } else {
      s.suppressed++;
    }
  }
}

/** What may be logged of a header chosen by a stranger: bounded, printable. */
export function headerForLog(h: string | string[] | undefined): string | undefined {
  if (h === undefined) return undefined;
  const s = Array.isArray(h) ? h.join(",") : h;
  return s.replace(/[^\x20-\x7e]/g, "?").slice(0, 120);
}
