/**
 * Options: the senders whose mails may carry the portal's code (issue 11 §4, "sender allow-list … editable";
 * docs/otp.md §4). One list for both sources: saved in `otpSettings.senders` (the webmail source and the background
 * apply it) and, when a mailbox is configured, sent to the agent with the saved mailbox settings
 * (`mailbox.configure` `senders`, no password: the agent keeps the stored one). Bare addresses only — what the
 * doctor sees is what is matched; an empty list means the default senders.
 */
import { DEFAULT_OTP_SENDERS, MAX_OTP_SENDERS } from "@cps-bridge/protocol/otp/rules";
import { useEffect, useState } from "preact/hooks";
import { errorText } from "../../i18n/index";
import { loadOtpSettings, parseSenderList, updateOtpSettings } from "../../shared/otp-settings";
import type { UiLanguage } from "../../shared/state";
import { send } from "../send";

const S = {
  fr: {
    title: "Expéditeurs autorisés du code",
    lead: `Le code n'est lu que dans les e-mails de ces adresses (une par ligne, sans nom). Par défaut : ${DEFAULT_OTP_SENDERS.join(", ")}. Ajoutez l'adresse indiquée par votre région ou par la plateforme de formation si elle diffère ; laissez vide pour revenir aux adresses par défaut.`,
    save: "Enregistrer la liste",
    bad: (x: string) =>
      `« ${x} » n'est pas une adresse e-mail seule : écrivez-la sans nom ni chevrons, par exemple no_reply.trajectoire@sante-ra.fr.`,
    tooMany: `${MAX_OTP_SENDERS} adresses au plus.`,
    saved: "Liste enregistrée.",
    savedAgent: "Liste enregistrée, aussi pour la boîte aux lettres surveillée par l'agent.",
  },
  en: {
    title: "Allowed senders of the code",
    lead: `The code is read only in mails from these addresses (one per line, no name). Default: ${DEFAULT_OTP_SENDERS.join(", ")}. Add the address your region or the training platform uses if it differs; leave empty to go back to the default addresses.`,
    save: "Save the list",
    bad: (x: string) =>
      `“${x}” is not a bare e-mail address: write it without a name or angle brackets, e.g. no_reply.trajectoire@sante-ra.fr.`,
    tooMany: `At most ${MAX_OTP_SENDERS} addresses.`,
    saved: "List saved.",
    savedAgent: "List saved, for the mailbox the agent watches too.",
  },
} as const;

export function SendersSection({ lang }: { lang: UiLanguage }) {
  const s = S[lang];
  const [text, setText] = useState("");
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string; remedy?: string; code?: string }>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void loadOtpSettings().then((o) => setText(o.senders.join("\n")));
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    const parsed = parseSenderList(text);
    if (!parsed.ok) {
      setStatus({ kind: "error", text: "bad" in parsed ? s.bad(parsed.bad) : s.tooMany });
      return;
    }
    setBusy(true);
    const next = await updateOtpSettings({ senders: parsed.senders });
    setText(next.senders.join("\n"));
    // The agent's copy: only where a mailbox is configured (re-saved with its own settings, without the password).
    const st = await send("mailbox.status", {});
    if (st.ok && st.configured && st.host && st.user && st.port !== undefined && st.security !== undefined) {
      const a = await send("mailbox.configure", {
        host: st.host,
        port: st.port,
        security: st.security,
        user: st.user,
        senders: next.senders,
      });
      setBusy(false);
      if (a.ok) setStatus({ kind: "ok", text: s.savedAgent });
      else {
        const t = errorText(a.code, lang);
        setStatus({ kind: "error", text: t.text, remedy: t.remedy, code: a.code });
      }
      return;
    }
    setBusy(false);
    setStatus({ kind: "ok", text: s.saved });
  };

  return (
    <main class="page">
      <section class="card" aria-labelledby="senders-title" id="cpsb-senders-options">
        <h2 id="senders-title">{s.title}</h2>
        <p>{s.lead}</p>
        <form onSubmit={save} data-form="senders">
          <textarea
            name="senders"
            rows={Math.min(12, Math.max(3, text.split("\n").length + 1))}
            style={{ width: "100%" }}
            spellcheck={false}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
          <div class="actions">
            <button type="submit" disabled={busy} data-action="senders-save">
              {s.save}
            </button>
          </div>
        </form>
        <p
          role="status"
          aria-live="polite"
          data-senders-status={status?.kind ?? ""}
          data-error-code={status?.code ?? ""}
        >
          {status?.text}
          {status?.remedy ? <span class="hint"> {status.remedy}</span> : null}
        </p>
      </section>
    </main>
  );
}
