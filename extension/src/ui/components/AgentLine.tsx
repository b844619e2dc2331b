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

/**
 * The agent at a glance. Connected: one short line (version and port are in the tooltip, for support staff).
 * Otherwise the status with the port, since a wrong port is one of the reasons it does not answer.
 */
export function AgentLine({ agent, lang }: { agent: AgentView; lang: UiLanguage }) {
  const colon = lang === "fr" ? " : " : ": ";
  const port = t(lang, "agent.port", { port: agent.port });
  const text =
    agent.status === "connected"
      ? t(lang, "agent.connectedLine")
      : `${t(lang, "agent.label")}${colon}${t(lang, agent.status === "authenticating" ? "agent.connecting" : `agent.${agent.status}`)} · ${port}`;
  const tooltip =
    agent.status === "connected"
      ? [agent.agentVersion ? `version ${agent.agentVersion}` : "", port].filter(Boolean).join(" · ")
      : undefined;
  return (
    <p class="small muted agent-line" data-agent-status={agent.status} title={tooltip} style={{ margin: 0 }}>
      <span class={`agent-dot ${TONE[agent.status]}`} aria-hidden="true" />
      {text}
    </p>
  );
}
