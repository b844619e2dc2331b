/**
 * Options: the mailbox the agent watches for the portal's e-mailed code (issue 11 §1; docs/otp.md). The password is
 * sent once to the agent (`mailbox.configure`), which keeps it in the OS credential store; this page never stores
 * it and clears the field after saving. « Tester la connexion » asks the agent to log in, and says why it failed.
 */
import { useEffect, useState } from "preact/hooks";
import { errorText } from "../../i18n/index";
import { DEFAULT_OTP_SETTINGS, loadOtpSettings, type OtpSettings, updateOtpSettings } from "../../shared/otp-settings";
import type { UiLanguage } from "../../shared/state";
import { send } from "../send";
import { MAIL_PRESETS, presetForAddress } from "./mail-presets";

const M = {
  fr: {
    title: "Code de connexion reçu par e-mail",
    lead: "Après l'identifiant et le mot de passe, le portail vous envoie un code à 6 chiffres par e-mail (expéditeur no_reply.trajectoire@sante-ra.fr, valable 10 minutes). Si vous indiquez ici votre boîte aux lettres, cps-bridge lit ce code dès son arrivée et le place dans le champ du portail : vous n'avez plus qu'à cliquer sur « Valider ». Seuls les e-mails de cet expéditeur sont lus ; aucun autre e-mail n'est ouvert. Votre mot de passe de messagerie est confié au trousseau de votre système (ou, à défaut, à un fichier protégé de l'agent) ; l'extension ne le garde pas.",
    webmail:
      "Vous lisez vos e-mails dans le navigateur ? Pas besoin de boîte aux lettres ici : cochez plutôt votre webmail dans « Lire le code dans mon webmail » ci-dessous.",
    mssante:
      "Messagerie MSSanté ou autre fournisseur : choisissez « Autre » et recopiez les réglages IMAP donnés par votre opérateur.",
    provider: "Fournisseur",
    other: "Autre (saisie manuelle)",
    host: "Serveur IMAP",
    port: "Port",
    security: "Sécurité",
    tls: "TLS (recommandé)",
    starttls: "STARTTLS",
    none: "Aucune (réseau local de test uniquement)",
    user: "Adresse e-mail (identifiant)",
    password: "Mot de passe de messagerie",
    passwordKept: "Laisser vide pour garder le mot de passe déjà enregistré.",
    appPassword:
      "Ce fournisseur demande un « mot de passe d'application » (créé dans les réglages de sécurité de votre compte), pas votre mot de passe habituel.",
    deleteAfterUse: "Supprimer l'e-mail du code après usage",
    autoSubmit: "Cliquer sur « Valider » automatiquement après avoir inséré le code",
    save: "Enregistrer",
    test: "Tester la connexion",
    saved: (store: string) =>
      `Réglages enregistrés (mot de passe dans ${store === "keyring" ? "le trousseau du système" : "un fichier protégé de l'agent"}).`,
    testOk: (ms: number, n: number) => `Connexion réussie en ${ms} ms (${n} dossier${n > 1 ? "s" : ""} de messagerie).`,
    notConfigured: "Aucune boîte aux lettres configurée.",
    configured: (user: string, host: string) => `Boîte surveillée : ${user} sur ${host}.`,
    busy: "Un instant…",
  },
  en: {
    title: "Login code received by e-mail",
    lead: "After the username and password, the portal e-mails you a 6-digit code (sender no_reply.trajectoire@sante-ra.fr, valid 10 minutes). If you give your mailbox here, cps-bridge reads that code as soon as it arrives and puts it into the portal's field: you only click « Valider ». Only mails from that sender are read; no other mail is opened. Your mail password goes to your system's keyring (or else a protected file of the agent); the extension does not keep it.",
    webmail:
      "You read your mail in the browser? No mailbox needed here: tick your webmail in “Read the code in my webmail” below instead.",
    mssante: "MSSanté messaging or another provider: choose « Other » and copy the IMAP settings your operator gives.",
    provider: "Provider",
    other: "Other (manual entry)",
    host: "IMAP server",
    port: "Port",
    security: "Security",
    tls: "TLS (recommended)",
    starttls: "STARTTLS",
    none: "None (local test network only)",
    user: "E-mail address (login)",
    password: "Mail password",
    passwordKept: "Leave empty to keep the password already saved.",
    appPassword:
      "This provider wants an “app password” (made in your account's security settings), not your usual password.",
    deleteAfterUse: "Delete the code's e-mail after use",
    autoSubmit: "Click « Valider » automatically after filling in the code",
    save: "Save",
    test: "Test the connection",
    saved: (store: string) =>
      `Settings saved (password in ${store === "keyring" ? "the system keyring" : "a protected file of the agent"}).`,
    testOk: (ms: number, n: number) => `Connected in ${ms} ms (${n} mail folder${n > 1 ? "s" : ""}).`,
    notConfigured: "No mailbox configured.",
    configured: (user: string, host: string) => `Mailbox watched: ${user} on ${host}.`,
    busy: "One moment…",
  },
};

type Security = "tls" | "starttls" | "none";

export function MailboxSection({ lang }: { lang: UiLanguage }) {
  const s = M[lang];
  const [preset, setPreset] = useState("other");
  const [host, setHost] = useState("");
  const [port, setPort] = useState(993);
  const [security, setSecurity] = useState<Security>("tls");
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [deleteAfterUse, setDeleteAfterUse] = useState(false);
  const [otp, setOtp] = useState<OtpSettings>(DEFAULT_OTP_SETTINGS);
  const [status, setStatus] = useState<{
    kind: "ok" | "error" | "info";
    text: string;
    remedy?: string;
    code?: string;
  }>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void loadOtpSettings().then(setOtp);
    void send("mailbox.status", {}).then((a) => {
      if (!a.ok) return;
      if (a.configured && a.host && a.user) {
        setHost(a.host);
        setUser(a.user);
        if (a.port !== undefined) setPort(a.port);
        if (a.security !== undefined) setSecurity(a.security);
        if (a.deleteAfterUse !== undefined) setDeleteAfterUse(a.deleteAfterUse);
        setPreset(MAIL_PRESETS.find((p) => p.host === a.host)?.id ?? "other");
        setStatus({ kind: "info", text: s.configured(a.user, a.host) });
      } else setStatus({ kind: "info", text: s.notConfigured });
      if (a.lastErrorCode) {
        const e = errorText(a.lastErrorCode, lang);
        setStatus({ kind: "error", text: e.text, remedy: e.remedy, code: a.lastErrorCode });
      }
    });
  }, []);

  const choose = (id: string) => {
    setPreset(id);
    const p = MAIL_PRESETS.find((x) => x.id === id);
    if (p) {
      setHost(p.host);
      setPort(p.port);
      setSecurity(p.security);
    }
  };
  const current = MAIL_PRESETS.find((p) => p.id === preset);
  const failure = (code: string) => {
    const e = errorText(code, lang);
    setStatus({ kind: "error", text: e.text, remedy: e.remedy, code });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const a = await send("mailbox.configure", {
      host: host.trim(),
      port,
      security,
      user: user.trim(),
      ...(password ? { password } : {}),
      deleteAfterUse,
      // The same allow-list as the webmail source (options « Expéditeurs autorisés »).
      senders: (await loadOtpSettings().catch(() => DEFAULT_OTP_SETTINGS)).senders,
    });
    setBusy(false);
    if (a.ok) {
      setPassword(""); // never kept by the page
      setStatus({ kind: "ok", text: s.saved(a.credentialStore) });
    } else failure(a.code);
  };
  const test = async () => {
    setBusy(true);
    const a = await send("mailbox.test", {
      host: host.trim(),
      port,
      security,
      user: user.trim(),
      ...(password ? { password } : {}),
    });
    setBusy(false);
    if (a.ok) setStatus({ kind: "ok", text: s.testOk(a.latencyMs, a.mailboxes) });
    else failure(a.code);
  };

  return (
    <main class="page">
      <section class="card" aria-labelledby="mailbox-title" id="cpsb-mailbox-options">
        <h2 id="mailbox-title">{s.title}</h2>
        <p>{s.lead}</p>
        <p class="hint">{s.webmail}</p>
        <form onSubmit={save} data-form="mailbox">
          <label>
            {s.provider}
            <select name="preset" value={preset} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
              {MAIL_PRESETS.map((p) => (
                <option value={p.id} key={p.id}>
                  {p.label}
                </option>
              ))}
              <option value="other">{s.other}</option>
            </select>
          </label>
          {preset === "other" ? <p class="hint">{s.mssante}</p> : null}
          <label>
            {s.user}
            <input
              name="user"
              type="email"
              autocomplete="username"
              required
              value={user}
              onInput={(e) => {
                const v = (e.target as HTMLInputElement).value;
                setUser(v);
                const p = presetForAddress(v);
                if (p && preset === "other" && host === "") choose(p.id);
              }}
            />
          </label>
          <label>
            {s.host}
            <input name="host" required value={host} onInput={(e) => setHost((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {s.port}
            <input
              name="port"
              type="number"
              min={1}
              max={65535}
              required
              value={port}
              onInput={(e) => setPort(Number((e.target as HTMLInputElement).value))}
            />
          </label>
          <label>
            {s.security}
            <select
              name="security"
              value={security}
              onChange={(e) => setSecurity((e.target as HTMLSelectElement).value as Security)}
            >
              <option value="tls">{s.tls}</option>
              <option value="starttls">{s.starttls}</option>
              <option value="none">{s.none}</option>
            </select>
          </label>
          <label>
            {s.password}
            <input
              name="password"
              type="password"
              autocomplete="new-password"
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          </label>
          <p class="hint">{current?.appPassword ? s.appPassword : s.passwordKept}</p>
          <label class="check">
            <input
              type="checkbox"
              name="deleteAfterUse"
              checked={deleteAfterUse}
              onChange={(e) => setDeleteAfterUse((e.target as HTMLInputElement).checked)}
            />
            {s.deleteAfterUse}
          </label>
          <label class="check">
            <input
              type="checkbox"
              name="otpAutoSubmit"
              checked={otp.autoSubmit}
              onChange={(e) => {
                const autoSubmit = (e.target as HTMLInputElement).checked;
                setOtp({ ...otp, autoSubmit });
                void updateOtpSettings({ autoSubmit });
              }}
            />
            {s.autoSubmit}
          </label>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy} data-action="mailbox-save">
              {s.save}
            </button>
            <button type="button" disabled={busy} onClick={test} data-action="mailbox-test">
              {s.test}
            </button>
          </div>
        </form>
        <p
          role="status"
          aria-live="polite"
          data-mailbox-status={status?.kind ?? ""}
          data-error-code={status?.code ?? ""}
        >
          {busy ? s.busy : status?.text}
          {!busy && status?.remedy ? <span class="hint"> {status.remedy}</span> : null}
        </p>
      </section>
    </main>
  );
}
