/**
 * The pairing page (pair.html): explains why and how, in French first; takes the 6-digit code printed by
 * `cps-bridge pair` (7 digits: the agent's port index, then the code — how the extension finds this user's agent among
 * those of a terminal server, protocol/src/agent-ports.ts); says exactly what went wrong (wrong code, window closed, locked out, agent not running —
 * with the command that starts it). anchors.md §(a) "Pairing" step 4 (code shown by the agent, typed here).
 */

import { parsePairingEntry } from "@cps-bridge/protocol/agent-ports";
import type { ErrorCode } from "@cps-bridge/protocol/errors";
import { useState } from "preact/hooks";
import { t } from "../../i18n/index";
import type { Answer } from "../../shared/messages";
import type { ExtensionState } from "../../shared/state";
import { ErrorNote } from "../components/ErrorNote";
import { Logo } from "../components/Logo";

type Phase =
  | { kind: "idle" }
  | { kind: "working" }
  | { kind: "done" }
  | { kind: "failed"; code: ErrorCode; format: boolean };

export function PairingPage({
  state,
  submit,
  close,
}: {
  state: ExtensionState;
  submit(code: string): Promise<Answer>;
  close(): void;
}) {
  const lang = state.language;
  const [code, setCode] = useState("");
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const agentDown = state.agent.status === "unavailable" || state.agent.status === "connecting";
  const digits = code.replace(/\D/g, "");
  // 7 digits (the agent's port index, then the code) or 6 for an agent on a port set in the options (agent-ports.ts).
  const complete = parsePairingEntry(digits).ok;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (!complete) {
      setPhase({ kind: "failed", code: "ERR_PAIRING_CODE_WRONG", format: true });
      return;
    }
    setPhase({ kind: "working" });
    const answer = await submit(digits);
    if (answer.ok) {
      setPhase({ kind: "done" });
      setCode("");
    } else {
      setPhase({ kind: "failed", code: answer.code, format: answer.details?.reason === "format" });
    }
  };

  return (
    <main class="page" data-page="pairing">
      <header class="page-head">
        <Logo size={28} />
        <h1>{t(lang, "pair.title")}</h1>
      </header>
      <p>{t(lang, "pair.why")}</p>

      {phase.kind === "done" ? (
        <div class="note ok" role="status" data-pairing="done">
          <p style={{ fontWeight: 650 }}>{t(lang, "pair.success")}</p>
          <p style={{ margin: 0 }}>{t(lang, "pair.successNext")}</p>
          <div class="actions">
            <button type="button" class="primary" onClick={close}>
              {t(lang, "action.close")}
            </button>
          </div>
        </div>
      ) : (
        <>
          {agentDown ? (
            <div class="note error" role="alert" data-agent-down="true">
              <p style={{ fontWeight: 650 }}>{t(lang, "pair.agentDown", { port: state.agent.port })}</p>
              <p>
                {t(lang, "pair.agentStart")} <span class="cmd">cps-bridge start</span>
              </p>
              <p class="small muted" style={{ margin: 0 }}>
                {t(lang, "pair.waitingAgent")}
              </p>
            </div>
          ) : null}
          {state.paired && state.agent.status === "connected" ? (
            <p class="note">{t(lang, "pair.alreadyPaired")}</p>
          ) : null}
          <ol class="steps">
            <li>
              {t(lang, "pair.step1")} <span class="cmd">cps-bridge pair</span>
            </li>
            <li>{t(lang, "pair.step2")}</li>
            <li>{t(lang, "pair.step3")}</li>
          </ol>
          <form onSubmit={onSubmit} class="pair-form" autocomplete="off">
            <label for="pairing-code">{t(lang, "pair.codeLabel")}</label>
            <div class="actions" style={{ marginTop: "6px" }}>
              <input
                id="pairing-code"
                name="pairing-code"
                class="code-input"
                inputMode="numeric"
                autocomplete="off"
                spellcheck={false}
                maxLength={9}
                placeholder="0123456"
                value={code}
                onInput={(e) => setCode((e.target as HTMLInputElement).value)}
                disabled={phase.kind === "working"}
                aria-describedby="pairing-error"
              />
              <button type="submit" class="primary" disabled={phase.kind === "working"} data-action="pair-submit">
                {phase.kind === "working" ? t(lang, "pair.working") : t(lang, "pair.submit")}
              </button>
            </div>
          </form>
          <div id="pairing-error">
            {phase.kind === "failed" ? (
              phase.format ? (
                <div class="note error" role="alert" data-error-code="format">
                  <p style={{ margin: 0 }}>{t(lang, "pair.codeFormat")}</p>
                </div>
              ) : (
                <ErrorNote code={phase.code} lang={lang} />
              )
            ) : null}
          </div>
        </>
      )}
    </main>
  );
}
