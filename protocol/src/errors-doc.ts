/**
 * Renders docs/errors.md from errors.ts and status-words.ts, so the documentation cannot drift from the codes:
 * `npx tsx protocol/scripts/gen-errors-doc.ts` writes it, and errors-doc.test.ts fails when the file differs.
 * Deterministic (no dates) so the check is stable.
 */
import { ERROR_CODES, ERRORS, type ErrorGroup } from "./errors";
import { PORTAL_OUTCOME_CODES, type PortalOutcomeCode } from "./portal-contract";
import { STATUS_WORDS } from "./status-words";

const GROUPS: { group: ErrorGroup; title: string; intro: string }[] = [
  {
    group: "transport",
    title: "Transport and health (extension ⇄ agent)",
    intro:
      "The connection between the extension and the agent: reachability, gates, pairing, authentication, versions, caps.",
  },
  {
    group: "pcsc",
    title: "PC/SC (service, readers, card presence)",
    intro: "The machine's smart card service and readers, before any card command.",
  },
  {
    group: "card",
    title: "Card, certificate and PIN",
    intro:
      "What the card answered, its certificate and its PIN. The status-word table at the end maps card answers to these codes.",
  },
  { group: "user", title: "User", intro: "The user's own choices and delays." },
  {
    group: "mail",
    title: "E-mailed login code (OTP)",
    intro: "The agent's mailbox source for the portal's e-mailed code (docs/otp.md).",
  },
  {
    group: "developer",
    title: "Developer (bad requests)",
    intro: "A client or a portal calling the protocol wrongly; users should never see these in a correct product.",
  },
  {
    group: "token",
    title: "Login token verification (portal servers)",
    intro: "Raised by `verifyLoginToken` on the portal's server; never by the agent.",
  },
];

const cell = (s: string) => s.replace(/\|/g, "\\|");

/**
 * Markdown compared modulo layout: Biome formats the repository's Markdown (pads table cells, `| --- |` separators,
 * blank lines), so the drift checks compare this normal form.
 */
export function markdownLayoutNormalised(md: string): string {
  return md
    .split("\n")
    .map((line) =>
      line
        .replace(/\s+/g, " ")
        .replace(/\| ?:?-{3,}:? ?(?=\|)/g, "|---")
        .trim(),
    )
    .filter((line) => line !== "")
    .join("\n");
}

export function renderErrorsDoc(): string {
  const out: string[] = [];
  out.push("# cps-bridge error codes");
  out.push("");
  out.push(
    "<!-- Generated from protocol/src/errors.ts and protocol/src/status-words.ts by `npx tsx protocol/scripts/gen-errors-doc.ts`. Do not edit by hand: a unit test fails when this file is out of date. -->",
  );
  out.push("");
  out.push(
    "Every failure that reaches a user or a developer carries one of these stable codes: in a failed response " +
      "(`{ok:false, error:{code, message, retriable, details?}}`, docs/protocol.md §2), as `BridgeError.code` in " +
      "TypeScript, and in the agent's log. The French message and remedy are what a doctor reads; `retriable` says " +
      "whether the same request may succeed later without the user changing anything. Codes are never renamed or reused.",
  );
  out.push("");
  out.push("| code | group | retriable | message (fr) |");
  out.push("|---|---|---|---|");
  for (const code of ERROR_CODES) {
    const e = ERRORS[code];
    out.push(`| [\`${code}\`](#${code.toLowerCase()}) | ${e.group} | ${e.retriable ? "yes" : "no"} | ${cell(e.fr)} |`);
  }
  out.push("");
  for (const { group, title, intro } of GROUPS) {
    const codes = ERROR_CODES.filter((c) => ERRORS[c].group === group);
    if (codes.length === 0) continue;
    out.push(`## ${title}`);
    out.push("");
    out.push(intro);
    out.push("");
    for (const code of codes) {
      const e = ERRORS[code];
      out.push(`### ${code}`);
      out.push("");
      out.push(`Group: ${e.group} · Retriable: ${e.retriable ? "yes" : "no"}`);
      out.push("");
      pushEntryText(out, e);
    }
  }
  out.push("## Portal refusals of a token login (`PORTAL_*`)");
  out.push("");
  out.push(
    "A portal that accepts cps-bridge tokens (protocol/src/portal-contract.ts, docs/login-assistant.md) writes these " +
      "codes in `#lblErreur[data-code]` when it refuses a login for a reason of its own — a verdict on the token itself " +
      "uses the `ERR_TOKEN_*` codes above. The login assistant shows the French sentence and remedy beside the portal's.",
  );
  out.push("");
  for (const code of Object.keys(PORTAL_OUTCOME_CODES) as PortalOutcomeCode[]) {
    const e = PORTAL_OUTCOME_CODES[code];
    out.push(`### ${code}`);
    out.push("");
    pushEntryText(out, e);
  }
  out.push("## Card status words → codes");
  out.push("");
  out.push(
    "How the agent's card drivers turn a card's status word (SW1 SW2) into a code (shared/research/cps-card.md §2.5). " +
      "`x` stands for any hex digit. A status word not in this table gives `ERR_CARD_OPERATION_FAILED` with `details.sw`.",
  );
  out.push("");
  out.push("| SW | meaning | code | note | source |");
  out.push("|---|---|---|---|---|");
  for (const r of STATUS_WORDS) {
    const code = r.code ? `\`${r.code}\`` : "— (not an error)";
    out.push(`| \`${r.pattern}\` | ${cell(r.meaning)} | ${code} | ${cell(r.note ?? "")} | ${cell(r.source)} |`);
  }
  out.push("");
  return out.join("\n");
}

/** The bilingual messages and the three documentation fields every user-facing code has, in that order. */
function pushEntryText(
  out: string[],
  e: {
    fr: string;
    remedyFr: string;
    en: string;
    remedyEn: string;
    thrownWhen: string;
    likelyReason: string;
    howToResolve: string;
  },
): void {
  out.push(`- **Message (fr) :** ${e.fr}`);
  out.push(`- **Que faire :** ${e.remedyFr}`);
  out.push(`- **Message (en):** ${e.en}`);
  out.push(`- **What to do:** ${e.remedyEn}`);
  out.push("");
  out.push(`**Thrown when:** ${e.thrownWhen}`);
  out.push("");
  out.push(`**Likely reason:** ${e.likelyReason}`);
  out.push("");
  out.push(`**How to resolve:** ${e.howToResolve}`);
  out.push("");
}
