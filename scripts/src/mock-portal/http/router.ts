/**
 * A small router: method + path pattern (`:name` segments), matched without regard to case as IIS does
 * (`/trajectoire/pages/accesrestreint/…` reaches the same page). Handlers may be async; an `HttpError` becomes its
 * status, anything else a 500 that never leaks a stack to the page.
 */
import type { Context } from "./context";

export type Handler = (ctx: Context) => void | Promise<void>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string | string[], pattern: string, handler: Handler): this {
    for (const m of Array.isArray(method) ? method : [method]) {
      this.routes.push({ method: m.toUpperCase(), segments: split(pattern), handler });
    }
    return this;
  }

  get(pattern: string, handler: Handler): this {
    return this.add(["GET", "HEAD"], pattern, handler);
  }

  post(pattern: string, handler: Handler): this {
    return this.add("POST", pattern, handler);
  }

  /** The handler for this request, with `ctx.params` filled; `405` info when only the method differs. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | "method" | null {
    const parts = split(pathname);
    let pathMatched = false;
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method !== method) {
        pathMatched = true;
        continue;
      }
      return { handler: r.handler, params };
    }
    return pathMatched ? "method" : null;
  }
}

function split(path: string): string[] {
  // A trailing slash is significant only for the root of a folder (`/Trajectoire/`): keep it as an empty segment.
  return path.split("/").slice(1);
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    let part: string;
    try {
      part = decodeURIComponent(parts[i]!);
    } catch {
      return null;
    }
    if (p.startsWith(":")) {
      if (part === "") return null;
      params[p.slice(1)] = part;
    } else if (p.toLowerCase() !== part.toLowerCase()) return null;
  }
  return params;
}
