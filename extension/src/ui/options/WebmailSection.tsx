/**
 * Options: the Internet webmails in which the OTP autofill may read the portal's code (issue 11 §2; docs/otp.md §3).
 * Nothing is ticked by default. Ticking a service asks the browser, in the click itself (a user gesture:
 * permissions.request refuses otherwise), for that service's origins only; once granted, the service's id is saved
 * in `otpSettings.webmails` and the background registers the webmail content script there. Unticking saves first,
 * then gives the permission back.
 */
import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { loadOtpSettings, updateOtpSettings } from "../../shared/otp-settings";
import type { UiLanguage } from "../../shared/state";
import { INTERNET_WEBMAILS, type WebmailService } from "../../webmail/webmail-services";

const W = {
  fr: {
    title: "Lire le code dans mon webmail",
    lead: "Si vous lisez vos e-mails dans ce navigateur, cochez votre webmail : quand l'e-mail du portail y est ouvert, cps-bridge y lit le code et le place dans le champ du portail. Le navigateur vous demandera l'accès à ce seul site ; cps-bridge n'y lit que l'e-mail ouvert, et seulement s'il vient d'un expéditeur autorisé ci-dessous. Aucun autre e-mail n'est lu, rien n'est envoyé ailleurs.",
    refused: (l: string) => `Autorisation refusée : ${l} reste désactivé.`,
    enabled: (l: string) => `${l} : activé. Ouvrez l'e-mail du code dans ${l} pour que cps-bridge le lise.`,
    disabled: (l: string) => `${l} : désactivé.`,
    failed: "Le navigateur n'a pas pu demander l'autorisation.",
  },
  en: {
    title: "Read the code in my webmail",
    lead: "If you read your mail in this browser, tick your webmail: when the portal's mail is open there, cps-bridge reads the code and puts it into the portal's field. The browser will ask you for access to that one site; cps-bridge reads only the open mail there, and only if it comes from an allowed sender below. No other mail is read, nothing is sent elsewhere.",
    refused: (l: string) => `Permission refused: ${l} stays off.`,
    enabled: (l: string) => `${l}: on. Open the code's mail in ${l} for cps-bridge to read it.`,
    disabled: (l: string) => `${l}: off.`,
    failed: "The browser could not ask for the permission.",
  },
} as const;

export function WebmailSection({ lang }: { lang: UiLanguage }) {
  const w = W[lang];
  const [enabled, setEnabled] = useState<string[]>([]);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();
  useEffect(() => {
    void loadOtpSettings().then((s) => setEnabled(s.webmails));
  }, []);

  const toggle = (s: WebmailService, on: boolean) => {
    if (on) {
      // In the click: permissions.request needs the user gesture, so no await before it.
      browser.permissions.request({ origins: [...s.origins] }).then(
        async (granted) => {
          if (!granted) {
            setStatus({ kind: "error", text: w.refused(s.label) });
            return;
          }
          const next = await updateOtpSettings({ webmails: [...enabled.filter((x) => x !== s.id), s.id] });
          setEnabled(next.webmails);
          setStatus({ kind: "ok", text: w.enabled(s.label) });
        },
        () => setStatus({ kind: "error", text: w.failed }),
      );
      return;
    }
    void (async () => {
      const next = await updateOtpSettings({ webmails: enabled.filter((x) => x !== s.id) });
      setEnabled(next.webmails);
      setStatus({ kind: "ok", text: w.disabled(s.label) });
      await browser.permissions.remove({ origins: [...s.origins] }).catch(() => false);
    })();
  };

  return (
    <main class="page">
      <section class="card" aria-labelledby="webmail-title" id="cpsb-webmail-options">
        <h2 id="webmail-title">{w.title}</h2>
        <p>{w.lead}</p>
        {INTERNET_WEBMAILS.map((s) => (
          <label class="check" key={s.id}>
            <input
              type="checkbox"
              name={`webmail-${s.id}`}
              data-webmail={s.id}
              checked={enabled.includes(s.id)}
              onChange={(e) => toggle(s, (e.target as HTMLInputElement).checked)}
            />
            <span>
              {s.label}{" "}
              <span class="hint">({s.origins.map((o) => o.replace(/^https:\/\/|\/\*$/g, "")).join(", ")})</span>
            </span>
          </label>
        ))}
        <p role="status" aria-live="polite" data-webmail-status={status?.kind ?? ""}>
          {status?.text}
        </p>
      </section>
    </main>
  );
}
