import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allDiagCodes, DIAG_CODES, renderDiag } from "./codes";
import { CHECK_IDS, type CheckResult, firstBlocking, type Verdict } from "./model";
import { buildReport, maskId, reportToText } from "./report";
import { decodeSupportCode, encodeSupportCode, SupportCodeError } from "./support-code";

const result = (id: CheckResult["id"], verdict: Verdict, extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  side: "agent",
  verdict,
  code: verdict === "ok" ? "DIAG_PCSC_UP" : "DIAG_NO_CARD",
  blocking: verdict === "failed",
  facts: {},
  durationMs: 1,
  ...extra,
});

describe("DIAG codes", () => {
  it("each has French and English texts, and non-ok ones a remedy and the three documentation fields", () => {
    for (const [code, d] of Object.entries(allDiagCodes())) {
      expect(code).toMatch(/^DIAG_[A-Z0-9_]+$/);
      expect(d.fr.length, code).toBeGreaterThan(5);
      expect(d.en.length, code).toBeGreaterThan(5);
      if (d.verdict !== "ok") {
        expect(d.remedyFr.length, code).toBeGreaterThan(5);
        expect(d.remedyEn.length, code).toBeGreaterThan(5);
        for (const f of [d.thrownWhen, d.likelyReason, d.howToResolve]) expect(f.length, code).toBeGreaterThan(5);
      }
    }
  });
  it("renders placeholders and leaves unknown codes visible", () => {
    expect(renderDiag("DIAG_CERT_EXPIRED", { notAfter: "2026-01-02" }, "fr").text).toContain("2026-01-02");
    expect(renderDiag("DIAG_CERT_EXPIRED", { notAfter: "2026-01-02" }, "en").text).toContain("expired on 2026-01-02");
    expect(renderDiag("DIAG_NOPE", undefined, "fr")).toEqual({ text: "DIAG_NOPE", remedy: "" });
    expect(DIAG_CODES.DIAG_PIN_BLOCKED.remedyFr).toContain("PUK");
  });
});

describe("firstBlocking", () => {
  it("is the first blocking failure in CHECK_IDS order, whatever the input order", () => {
    const rs = [result("pin.status", "failed"), result("card.type", "failed"), result("readers.visible", "ok")];
    expect(firstBlocking(rs)?.id).toBe("card.type");
    expect(firstBlocking([result("clock.skew", "failed", { blocking: false })])).toBeUndefined();
  });
});

describe("support code", () => {
  const verdict = fc.constantFrom<Verdict>("ok", "warning", "failed", "skipped");
  it("round-trips OS, browser, versions and every verdict (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("linux", "win32", "darwin", "other"),
        fc.constantFrom("none", "chrome", "edge", "firefox", "chromium", "other"),
        fc.tuple(fc.nat(15), fc.nat(63), fc.nat(63)),
        fc.tuple(fc.nat(15), fc.nat(63), fc.nat(63)),
        fc.array(verdict, { minLength: CHECK_IDS.length, maxLength: CHECK_IDS.length }),
        (os, browser, a, e, vs) => {
          const results = CHECK_IDS.map((id, i) => ({ id, verdict: vs[i]! }));
          const code = encodeSupportCode({
            os,
            browser,
            agentVersion: a.join("."),
            extensionVersion: e.join("."),
            results,
          });
          expect(code).toMatch(/^CPS-[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
          const d = decodeSupportCode(code);
          expect(d.os).toBe(os);
          expect(d.browser).toBe(browser);
          expect(d.agentVersion).toBe(a.join(".") === "0.0.0" ? null : a.join("."));
          for (const [i, id] of CHECK_IDS.entries())
            expect(d.verdicts[id]).toBe(vs[i] === "skipped" ? undefined : vs[i]);
        },
      ),
      { numRuns: 300 },
    );
  });
  it("reads what the phone line makes of it (case, spaces, I/L/O) and catches a mistyped character", () => {
    const code = encodeSupportCode({
      os: "linux",
      agentVersion: "0.1.0",
      results: [{ id: "card.type", verdict: "failed" }],
    });
    const spoken = code.toLowerCase().replace(/-/g, " ").replace(/1/g, "l").replace(/0/g, "o");
    expect(decodeSupportCode(spoken).failed).toEqual(["card.type"]);
    let caught = 0;
    for (let i = 4; i < code.length; i++) {
      if (code[i] === "-") continue;
      const wrong = code.slice(0, i) + (code[i] === "7" ? "8" : "7") + code.slice(i + 1);
      try {
        decodeSupportCode(wrong);
      } catch (e) {
        expect(e).toBeInstanceOf(SupportCodeError);
        caught++;
      }
    }
    expect(caught).toBeGreaterThanOrEqual(19);
    expect(() => decodeSupportCode("CPS-123")).toThrow(SupportCodeError);
  });
});

describe("report", () => {
  const holder = { givenName: "ALICE", surname: "TESTCPS", nationalId: "899700123456" };
  const results = [
    result("card.type", "ok", { facts: { reader: "R 00", serial: "80250000012900995266", pin: "1234" } }),
    result("pin.status", "failed", { code: "DIAG_PIN_BLOCKED", params: { otp: "123456" } }),
  ];
  it("masks the national id and names unless identity is included, and drops secret-looking facts", () => {
    const r = buildReport(
      results,
      { os: "linux", startedAt: "2026-12-05T10:00:00Z", holder },
      { includeIdentity: false },
    );
    const json = JSON.stringify(r);
    expect(json).not.toContain("899700123456");
    expect(json).not.toContain("ALICE");
    expect(json).not.toContain('1234"');
    expect(json).not.toContain("123456");
    expect(r.holder).toEqual({ givenName: "A.", surname: "T.", nationalId: maskId("899700123456") });
    expect(r.firstBlocking).toBe("pin.status");
    const full = buildReport(results, { os: "linux", startedAt: "x", holder }, { includeIdentity: true });
    expect(JSON.stringify(full)).toContain("899700123456");
    expect(JSON.stringify(full)).not.toContain('"pin"');
  });
  it("reads as text in French and English, main cause first", () => {
    const r = buildReport(results, { os: "linux", startedAt: "x" }, { includeIdentity: false });
    const fr = reportToText(r, "fr");
    expect(fr).toMatch(/Cause principale : La carte CPS est bloquée/);
    expect(fr).toContain(r.supportCode);
    expect(reportToText(r, "en")).toContain("Main cause: The CPS card is blocked");
  });
});
