/**
 * Interface language: French first, English second (design.md). The browser's own i18n (`_locales`) only names
 * the extension in the manifest; it cannot switch language at run time, and the doctor may choose the language
 * in the options, so the interface texts live in fr.ts / en.ts and error texts in protocol/src/errors.ts.
 */
import { ERRORS, type ErrorCode, isErrorCode } from "@cps-bridge/protocol/errors";
import type { LanguageSetting } from "../shared/settings";
import type { UiLanguage } from "../shared/state";
import { en } from "./en";
import { fr, type MessageKey } from "./fr";

export type { MessageKey };

const TABLES: Record<UiLanguage, Record<MessageKey, string>> = { fr, en };

/** `auto` follows the browser: English when its language is English, French otherwise (French first). */
export function resolveLanguage(setting: LanguageSetting, browserLanguage: string | undefined): UiLanguage {
  if (setting === "fr" || setting === "en") return setting;
  return browserLanguage?.toLowerCase().startsWith("en") ? "en" : "fr";
}

export type Params = Record<string, string | number>;

export function t(lang: UiLanguage, key: MessageKey, params?: Params): string {
  // A key built at run time that does not exist shows itself rather than crashing the page.
  const text = TABLES[lang][key] ?? fr[key] ?? key;
  if (params === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export interface ErrorText {
  /** What happened. */
  text: string;
  /** What to do next. */
  remedy: string;
}

/** The doctor-facing sentence and remedy of an error code, from errors.ts; unknown codes read as ERR_INTERNAL. */
export function errorText(code: string, lang: UiLanguage): ErrorText {
  const def = ERRORS[isErrorCode(code) ? code : ("ERR_INTERNAL" satisfies ErrorCode)];
  return lang === "en" ? { text: def.en, remedy: def.remedyEn } : { text: def.fr, remedy: def.remedyFr };
}

/** 25/11/2026 in French, 25 Nov 2026 in English: dates a doctor reads without thinking. */
export function formatDate(iso: string, lang: UiLanguage): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return lang === "en"
    ? d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" })
    : d.toLocaleDateString("fr-FR", { day: "2-digit", month: "2-digit", year: "numeric" });
}
