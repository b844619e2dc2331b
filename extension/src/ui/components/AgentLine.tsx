import { t } from "../../i18n/index";
import type { AgentView, UiLanguage } from "../../shared/state";

const TONE: Record<AgentView["status"], string> = {
  connected: "ok",
  connecting: "neutral",
  authenticating: "neutral",
  unavailable: "neutral",
  unpaired: "warn",
  error: "error",
};

/** "Programme cps-bridge : connecté (version 0.1.0) · port 17777" */
export function AgentLine({ agent, lang }: { agent: AgentView; lang: UiLanguage }) {
  const status =
    agent.status === "connected"
      ? agent.agentVersion
        ? t(lang, "agent.connectedVersion", { version: agent.agentVersion })
        : t(lang, "agent.connected")
      : agent.status === "authenticating"
        ? t(lang, "agent.connecting")
        : t(lang, `agent.${agent.status}`);
  return (
    <p class="small muted agent-line" data-agent-status={agent.status} style={{ margin: 0 }}>
      <span class={`agent-dot ${TONE[agent.status]}`} aria-hidden="true" />
      {t(lang, "agent.label")}
      {lang === "fr" ? " : " : ": "}
      {status} · {t(lang, "agent.port", { port: agent.port })}
    </p>
  );
}
