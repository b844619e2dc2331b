/**
 * The doctor's settings, kept in `storage.local` (they must survive restarts; nothing secret in them). The
 * options page writes them; the background reads them and reacts to `storage.onChanged` (new port → reconnect,
 * new language → the state snapshot carries it to every open UI).
 */
import { DEFAULT_AGENT_PORT } from "@cps-bridge/protocol/extension-ids";
import { browser } from "wxt/browser";

export type LanguageSetting = "auto" | "fr" | "en";

export interface Settings {
  agentPort: number;
  /** Portal origins that may ask for a CPS login (exact origins, https). */
  portalOrigins: string[];
  /** Developer section: extra origins such as the mock portal's `http://localhost:<port>`. */
  developerOrigins: string[];
  language: LanguageSetting;
}

/** The two ViaTrajectoire hosts (shared/research/viatrajectoire.md §2). */
export const DEFAULT_PORTAL_ORIGINS: readonly string[] = [
  "https://trajectoire.sante-ra.fr",
  "https://viatrajectoire.fr",
];

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  agentPort: DEFAULT_AGENT_PORT,
  portalOrigins: [...DEFAULT_PORTAL_ORIGINS],
  developerOrigins: [],
  language: "auto",
};

export const SETTINGS_KEY = "settings";

export function isValidPort(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1024 && n <= 65_535;
}

/**
 * Normalises what the doctor typed into an origin (`scheme://host[:port]`, punycode, no path, no trailing slash),
 * or returns undefined. Portal origins must be https; `developer` origins may also be http on loopback only
 * (the mock portal), which is what the agent accepts in test mode (errors.ts ERR_INVALID_ORIGIN).
 */
export function normaliseOrigin(input: string, { developer = false } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  if (url.username !== "" || url.password !== "") return undefined;
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") return undefined;
  if (url.protocol === "https:") return url.origin;
  if (developer && url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1")) {
    return url.origin;
  }
  return undefined;
}

/** Validates a stored value field by field; anything malformed falls back to its default (never throws). */
export function parseSettings(raw: unknown): Settings {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const origins = (v: unknown, developer: boolean, fallback: readonly string[]) =>
    Array.isArray(v)
      ? [...new Set(v.flatMap((o) => (typeof o === "string" ? [normaliseOrigin(o, { developer })] : [])))].filter(
          (o): o is string => o !== undefined,
        )
      : [...fallback];
  return {
    agentPort: isValidPort(r.agentPort) ? r.agentPort : DEFAULT_SETTINGS.agentPort,
    portalOrigins: origins(r.portalOrigins, false, DEFAULT_SETTINGS.portalOrigins),
    developerOrigins: origins(r.developerOrigins, true, DEFAULT_SETTINGS.developerOrigins),
    language: r.language === "fr" || r.language === "en" || r.language === "auto" ? r.language : "auto",
  };
}

export async function loadSettings(): Promise<Settings> {
  const got = await browser.storage.local.get(SETTINGS_KEY);
  return parseSettings(got[SETTINGS_KEY]);
}

export async function saveSettings(settings: Settings): Promise<void> {
  await browser.storage.local.set({ [SETTINGS_KEY]: parseSettings(settings) });
}

/** Every origin allowed to ask for a CPS login. */
export function allowedOrigins(settings: Settings): string[] {
  return [...settings.portalOrigins, ...settings.developerOrigins];
}
