/**
 * The one way pages are written: `html\`…${value}…\`` escapes every interpolation unless it is already `SafeHtml`
 * (the result of another `html` template or of `raw()` for trusted constants). Dossier data is hostile by default:
 * a patient named `<script>` must appear as text. Attributes in templates are always double-quoted, and `"` and `'`
 * are escaped, so an interpolation cannot leave its attribute.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Trusted markup only (constants written in this code base), never data. */
export function raw(s: string): SafeHtml {
  return new SafeHtml(s);
}

/** `true` → ` name`, falsy → nothing: for boolean attributes such as `hidden`, `disabled`, `selected`. */
export function attrIf(cond: unknown, name: string): SafeHtml {
  return new SafeHtml(cond ? ` ${name}` : "");
}
