/**
 * A cookie-keeping HTTP client for the mock's HTTP-level tests (no browser needed): it sends what a browser sends
 * (cookies, form posts, Accept), does not follow redirects by itself (tests look at each 302), and has small helpers
 * to read what pages expose (element text by id, hidden inputs of a form, meta tags). Regex-based on purpose: the
 * mock's markup is ours and regular; tests that need a real DOM use Chromium.
 */

export interface Page {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
  url: string;
}

export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: RequestInit & { json?: boolean } = {}): Promise<Page> {
    const url = path.startsWith("http") ? path : `${this.base}${path}`;
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", this.cookieHeader());
    if (init.json) headers.set("Accept", "application/json");
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    this.store(res);
    return {
      status: res.status,
      location: res.headers.get("location"),
      headers: res.headers,
      text: await res.text(),
      url,
    };
  }

  get(path: string, o: { json?: boolean; headers?: Record<string, string> } = {}): Promise<Page> {
    return this.request(path, { method: "GET", ...o });
  }

  post(
    path: string,
    form: Record<string, string>,
    o: { json?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Page> {
    return this.request(path, {
      method: "POST",
      body: new URLSearchParams(form).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...o.headers },
      ...(o.json ? { json: true } : {}),
    });
  }

  /** GET, following redirects (same origin), like a browser navigation. */
  async navigate(path: string, max = 10): Promise<Page> {
    let page = await this.get(path);
    for (let i = 0; i < max && page.status >= 300 && page.status < 400 && page.location; i++)
      page = await this.get(page.location);
    return page;
  }

  async follow(page: Page, max = 10): Promise<Page> {
    let p = page;
    for (let i = 0; i < max && p.status >= 300 && p.status < 400 && p.location; i++) p = await this.get(p.location);
    return p;
  }
}

export function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, "`")
    .replace(/&amp;/g, "&");
}

/** Visible text of the element with this id (tags stripped, entities decoded, spaces collapsed). */
export function textById(html: string, id: string): string | undefined {
  const m = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  if (!m) return undefined;
  // Inline tags vanish, block-level ones separate words.
  const text = m[2]!.replace(/<\/?(?:strong|b|i|em|span|a|abbr)\b[^>]*>/g, "").replace(/<[^>]+>/g, " ");
  return decodeEntities(text).replace(/\s+/g, " ").trim();
}

/** The opening tag of the element with this id. */
export function tagById(html: string, id: string): string | undefined {
  return new RegExp(`<\\w+[^>]*\\sid="${id}"[^>]*>`).exec(html)?.[0];
}

export function attr(tag: string | undefined, name: string): string | undefined {
  if (!tag) return undefined;
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
}

export function meta(html: string, name: string): string | undefined {
  const m = new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html);
  return m ? decodeEntities(m[1]!) : undefined;
}

/** Every `<input type="hidden">` (name → value) inside the form with this id. */
export function hiddenFields(html: string, formId = "form1"): Record<string, string> {
  const start = html.indexOf(`id="${formId}"`);
  if (start < 0) throw new Error(`form #${formId} not found`);
  const end = html.indexOf("</form>", start);
  const out: Record<string, string> = {};
  for (const m of html.slice(start, end).matchAll(/<input type="hidden" name="([^"]+)"[^>]*value="([^"]*)"/g))
    out[m[1]!] = decodeEntities(m[2]!);
  return out;
}

/** Action URL of the form with this id, resolved against the page URL. */
export function formAction(page: Page, formId = "form1"): string {
  const tag = tagById(page.text, formId);
  const action = attr(tag, "action");
  if (!action) throw new Error(`form #${formId} has no action`);
  const u = new URL(action, page.url);
  return u.pathname + u.search;
}
