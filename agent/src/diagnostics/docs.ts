/**
 * The generated part of docs/diagnostics.md: every check (agent side from the registry, browser side from the codes
 * registered for browser check ids), in the order the page and the CLI show them, with every DIAG_* code it can
 * produce: verdict, the French sentence and remedy, and "Thrown when / Likely reason / How to resolve". Written
 * between the GENERATED markers by agent/scripts/gen-diagnostics-doc.ts; diagnostics-doc.test.ts fails on drift.
 */
import { allDiagCodes, type DiagCodeDefinition } from "@cps-bridge/protocol/diagnostics/codes";
import { CHECK_IDS, type CheckId } from "@cps-bridge/protocol/diagnostics/model";
import "@cps-bridge/protocol/diagnostics/browser-codes";
import { AGENT_CHECKS } from "./registry";

export const BEGIN = "<!-- GENERATED: checks (agent/scripts/gen-diagnostics-doc.ts) -->";
export const END = "<!-- END GENERATED -->";

const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function codeBlock(code: string, d: DiagCodeDefinition): string {
  const lines = [`- **\`${code}\`** (${d.verdict}) — ${esc(d.fr)}${d.remedyFr ? ` _${esc(d.remedyFr)}_` : ""}`];
  if (d.verdict !== "ok") {
    lines.push(`  - Thrown when: ${esc(d.thrownWhen)}`);
    lines.push(`  - Likely reason: ${esc(d.likelyReason)}`);
    lines.push(`  - How to resolve: ${esc(d.howToResolve)}`);
  }
  return lines.join("\n");
}

export function renderChecksSection(): string {
  const codes = allDiagCodes();
  const out: string[] = [BEGIN, ""];
  for (const id of CHECK_IDS as readonly CheckId[]) {
    const agent = AGENT_CHECKS.find((c) => c.id === id);
    const own = Object.entries(codes).filter(([k, d]) => d.check === id || agent?.codes.includes(k));
    if (!agent && own.length === 0) continue;
    out.push(`### \`${id}\` (${agent ? "agent" : "browser"})`, "");
    if (agent) {
      out.push(agent.summary, "");
      out.push(
        `Depends on: ${agent.dependsOn.length ? agent.dependsOn.map((d) => `\`${d}\``).join(", ") : "nothing"}${agent.optIn ? " — opt-in only" : ""}.`,
        "",
      );
    }
    for (const [k, d] of own) out.push(codeBlock(k, d));
    out.push("");
  }
  const any = Object.entries(codes).filter(([, d]) => d.check === "*");
  out.push("### Codes any check may carry", "");
  for (const [k, d] of any) out.push(codeBlock(k, d));
  out.push("", END);
  return out.join("\n");
}

/** `doc` with its generated part replaced (appended when the markers are missing). */
export function withChecksSection(doc: string): string {
  const section = renderChecksSection();
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < 0) return `${doc.trimEnd()}\n\n${section}\n`;
  return doc.slice(0, a) + section + doc.slice(b + END.length);
}
