import { describe, expect, it } from "vitest";
import { attrIf, escapeHtml, html, raw, SafeHtml } from "./html";

describe("html tagged template", () => {
  it("escapes every interpolation, in text and in attributes", () => {
    const hostile = `<script>alert("x")</script>' onmouseover='x' \`y\` &amp;`;
    const out = html`<p title="${hostile}">${hostile}</p>`.value;
    expect(out).not.toContain("<script>");
    expect(out).not.toContain(`"x"`);
    expect(out).not.toContain("'");
    expect(out).toBe(
      `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &#96;y&#96; &amp;amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &#96;y&#96; &amp;amp;</p>`,
    );
  });

  it("keeps nested templates and raw() unescaped, and escapes arrays element by element", () => {
    const inner = html`<b>${"<i>"}</b>`;
    const out = html`<div>${inner}${raw("<br>")}${["<a>", html`<c>`]}</div>`.value;
    expect(out).toBe("<div><b>&lt;i&gt;</b><br>&lt;a&gt;<c></div>");
  });

  it("renders null, undefined and false as nothing, numbers and true as text", () => {
    expect(html`${null}|${undefined}|${false}|${0}|${true}`.value).toBe("|||0|true");
  });

  it("attrIf writes a boolean attribute only when true", () => {
    expect(html`<input${attrIf(true, "hidden")}><input${attrIf(0, "hidden")}>`.value).toBe("<input hidden><input>");
  });

  it("escapeHtml covers the five HTML specials and the backtick", () => {
    expect(escapeHtml(`&<>"'\``)).toBe("&amp;&lt;&gt;&quot;&#39;&#96;");
    expect(html``).toBeInstanceOf(SafeHtml);
  });
});
