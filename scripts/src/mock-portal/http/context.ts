/**
 * What a route handler gets: the parsed request (URL, query, cookies, body on demand) and small response helpers.
 * Only `node:http`: the mock must not depend on a web framework.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SafeHtml } from "../html";

/** Large enough for a login token (≤ 10,000 characters, anchors.md §1.3) and any form of the mock. */
export const MAX_BODY_BYTES = 64 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Body = Record<string, string>;

export class Context {
  readonly url: URL;
  readonly query: URLSearchParams;
  readonly cookies: Map<string, string>;
  params: Record<string, string> = {};
  private bodyPromise: Promise<Body> | undefined;
  private readonly extraHeaders: [string, string][] = [];

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** The origin the request was served on (scheme://host:port). */
    readonly origin: string,
  ) {
    this.url = new URL(req.url ?? "/", origin);
    this.query = this.url.searchParams;
    this.cookies = parseCookies(req.headers.cookie);
  }

  get method(): string {
    return (this.req.method ?? "GET").toUpperCase();
  }

  /** Path plus query, as ASP.NET puts it in ReturnUrl. */
  get pathAndQuery(): string {
    return this.url.pathname + this.url.search;
  }

  wantsJson(): boolean {
    return (this.req.headers.accept ?? "").includes("application/json");
  }

  /** Parsed `application/x-www-form-urlencoded` or `application/json` body (string values only). */
  body(): Promise<Body> {
    this.bodyPromise ??= readBody(this.req);
    return this.bodyPromise;
  }

  /** JSON bodies of the admin API keep their types. */
  async jsonBody(): Promise<Record<string, unknown>> {
    const text = await readText(this.req);
    if (text.trim() === "") return {};
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      /* fall through */
    }
    throw new HttpError(400, "body must be a JSON object");
  }

  header(name: string, value: string): void {
    this.extraHeaders.push([name, value]);
  }

  setCookie(name: string, value: string, opts: { maxAgeSeconds?: number; httpOnly?: boolean } = {}): void {
    const parts = [`${name}=${value}`, "Path=/", "SameSite=Lax"];
    if (opts.httpOnly !== false) parts.push("HttpOnly");
    if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
    if (this.origin.startsWith("https:")) parts.push("Secure");
    this.extraHeaders.push(["Set-Cookie", parts.join("; ")]);
  }

  private writeHead(status: number, headers: Record<string, string>): void {
    const all: [string, string][] = [...Object.entries(headers), ...this.extraHeaders];
    const outgoing: Record<string, string | string[]> = {};
    for (const [k, v] of all) {
      const prev = outgoing[k];
      outgoing[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    this.res.writeHead(status, outgoing);
  }

  html(page: SafeHtml, status = 200): void {
    this.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
    this.res.end(`<!DOCTYPE html>\n${page.value}`);
  }

  json(value: unknown, status = 200): void {
    this.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
    this.res.end(JSON.stringify(value, null, 2));
  }

  text(body: string | Buffer, contentType: string, status = 200, cache = "no-store"): void {
    this.writeHead(status, { "Content-Type": contentType, "Cache-Control": cache });
    this.res.end(body);
  }

  /** 302, as ASP.NET answers a redirect (and forms authentication a missing login). */
  redirect(location: string, status = 302): void {
    this.writeHead(status, { Location: location, "Cache-Control": "no-store" });
    this.res.end();
  }
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!out.has(k)) out.set(k, part.slice(i + 1).trim());
  }
  return out;
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, "request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const text = await readText(req);
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const out: Body = {};
  if (type === "application/json") {
    let v: unknown;
    try {
      v = JSON.parse(text || "{}");
    } catch {
      throw new HttpError(400, "invalid JSON body");
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new HttpError(400, "body must be a JSON object");
    for (const [k, x] of Object.entries(v)) out[k] = typeof x === "string" ? x : JSON.stringify(x);
    return out;
  }
  // Forms (and anything else) are read as urlencoded; the first value of a repeated name wins.
  for (const [k, x] of new URLSearchParams(text)) if (!(k in out)) out[k] = x;
  return out;
}
