/**
 * The toolbar badge: the state at a glance, with a French (or English) title for the tooltip.
 * At most 3 characters fit; colours follow the popup's status colours (ui/components/theme.css).
 */

import { t } from "../i18n/index";
import { headlineOf } from "../shared/headline";
import { type SituationKind, situationOf } from "../shared/situation";
import type { ExtensionState } from "../shared/state";

export interface Badge {
  text: string;
  /** #rrggbb */
  color: string;
  title: string;
}

export const BADGE_COLORS = {
  ok: "#067647",
  warn: "#B54708",
  error: "#B42318",
  neutral: "#667085",
} as const;

const BADGES: Record<SituationKind, { text: string; color: string }> = {
  // no agent: grey, not alarming — the doctor may simply not have started it yet
  "agent-connecting": { text: "…", color: BADGE_COLORS.neutral },
  "agent-unavailable": { text: "OFF", color: BADGE_COLORS.neutral },
  "agent-unpaired": { text: "!", color: BADGE_COLORS.warn },
  "agent-error": { text: "!", color: BADGE_COLORS.error },
  "pcsc-down": { text: "!", color: BADGE_COLORS.warn },
  "readers-loading": { text: "…", color: BADGE_COLORS.neutral },
  "no-reader": { text: "!", color: BADGE_COLORS.warn },
  // no card: the usual state between two logins
  "no-card": { text: "–", color: BADGE_COLORS.neutral },
  "card-mute": { text: "!", color: BADGE_COLORS.warn },
  "not-a-cps": { text: "?", color: BADGE_COLORS.warn },
  "unsupported-cps": { text: "!", color: BADGE_COLORS.error },
  "card-reading": { text: "…", color: BADGE_COLORS.neutral },
  "card-error": { text: "!", color: BADGE_COLORS.error },
  "cert-expired": { text: "!", color: BADGE_COLORS.error },
  "cert-not-yet-valid": { text: "!", color: BADGE_COLORS.error },
  "cert-untrusted": { text: "!", color: BADGE_COLORS.error },
  "pin-blocked": { text: "!", color: BADGE_COLORS.error },
  // the number of tries left, in orange: one mistake from blocked
  "pin-last-try": { text: "1", color: BADGE_COLORS.warn },
  ready: { text: "OK", color: BADGE_COLORS.ok },
};

export function badgeOf(state: ExtensionState): Badge {
  const s = situationOf(state);
  const { title } = headlineOf(s, state.language);
  return { ...BADGES[s.kind], title: t(state.language, "badge.title", { situation: title }) };
}

/** The part of `browser.action` (MV3) / `browser.browserAction` (Firefox MV2) the badge needs. */
export interface ActionApi {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor(details: { color: string }): Promise<void> | void;
  setTitle(details: { title: string }): Promise<void> | void;
  setBadgeTextColor?(details: { color: string }): Promise<void> | void;
}

/** Applies the badge, skipping the calls when nothing changed (the store updates on every card event). */
export function createBadgeUpdater(
  action: ActionApi,
  /** Another source of badge text (the dossier watch, dossiers/watch.ts `combineBadge`: a card problem wins). */
  decorate: (b: Badge) => Badge = (b) => b,
): (state: ExtensionState) => Promise<void> {
  let last: Badge | undefined;
  return async (state) => {
    const b = decorate(badgeOf(state));
    if (last && last.text === b.text && last.color === b.color && last.title === b.title) return;
    last = b;
    await Promise.all([
      action.setBadgeText({ text: b.text }),
      action.setBadgeBackgroundColor({ color: b.color }),
      action.setBadgeTextColor?.({ color: "#FFFFFF" }),
      action.setTitle({ title: b.title }),
    ]);
  };
}
