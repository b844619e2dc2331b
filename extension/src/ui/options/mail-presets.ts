/**
 * IMAP settings of the mail providers French doctors use (issue 11 §1). Host names and ports are the providers'
 * published IMAP settings as commonly documented [U: not checked against each provider from here; the doctor can
 * always edit them]. `appPassword`: the provider refuses the account's normal password over IMAP when two-step
 * verification is on and wants an "app password" made in the account's security page.
 */
export interface MailPreset {
  id: string;
  label: string;
  host: string;
  port: number;
  security: "tls" | "starttls" | "none";
  appPassword: boolean;
  /** Domains whose addresses suggest this preset. */
  domains: readonly string[];
}

export const MAIL_PRESETS: readonly MailPreset[] = [
  {
    id: "orange",
    label: "Orange / Wanadoo",
    host: "imap.orange.fr",
    port: 993,
    security: "tls",
    appPassword: false,
    domains: ["orange.fr", "wanadoo.fr"],
  },
  {
    id: "free",
    label: "Free",
    host: "imap.free.fr",
    port: 993,
    security: "tls",
    appPassword: false,
    domains: ["free.fr"],
  },
  {
    id: "sfr",
    label: "SFR",
    host: "imap.sfr.fr",
    port: 993,
    security: "tls",
    appPassword: false,
    domains: ["sfr.fr", "neuf.fr"],
  },
  {
    id: "laposte",
    label: "La Poste",
    host: "imap.laposte.net",
    port: 993,
    security: "tls",
    appPassword: false,
    domains: ["laposte.net"],
  },
  {
    id: "gmail",
    label: "Gmail",
    host: "imap.gmail.com",
    port: 993,
    security: "tls",
    appPassword: true,
    domains: ["gmail.com", "googlemail.com"],
  },
  // [U] Microsoft restricts password logins over IMAP for personal accounts; an app password may be needed or refused.
  {
    id: "outlook",
    label: "Outlook / Hotmail",
    host: "outlook.office365.com",
    port: 993,
    security: "tls",
    appPassword: true,
    domains: ["outlook.fr", "outlook.com", "hotmail.fr", "hotmail.com", "live.fr"],
  },
  {
    id: "yahoo",
    label: "Yahoo",
    host: "imap.mail.yahoo.com",
    port: 993,
    security: "tls",
    appPassword: true,
    domains: ["yahoo.fr", "yahoo.com"],
  },
];

/** The preset an address suggests (`dr.martin@orange.fr` → Orange), if any. */
export function presetForAddress(address: string): MailPreset | undefined {
  const domain = address.trim().toLowerCase().split("@")[1];
  return domain ? MAIL_PRESETS.find((p) => p.domains.includes(domain)) : undefined;
}
