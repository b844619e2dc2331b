/**
 * One feature per file, Refined GitHub style (shared/research/anchors.md §4.1): each file in this folder exports a
 * `PortalFeature` whose id is its file name; `init(env, signal)` hangs every listener, observer and UI on `signal`, so
 * aborting it leaves the page as it was. The registry is the import list in index.ts.
 */

import type { PortalPage, PortalPageKind } from "../portal/detectors";
import type { LiveState } from "../portal/live-state";
import type { AnswerOf, MessageType, RequestOf } from "../shared/messages";
import type { UiLanguage } from "../shared/state";

export interface FeatureEnv {
  doc: Document;
  /** The page's real location (read from the browser, never from page data). */
  url: URL;
  page: PortalPage;
  live: LiveState;
  /** A request to the background router (shared/messages.ts); never throws. */
  send<T extends MessageType>(type: T, request: RequestOf<T>): Promise<AnswerOf<T>>;
  /** Until the first state snapshot says otherwise: the page's language (`<html lang>`), French by default. */
  fallbackLang: UiLanguage;
  /**
   * Features talking to each other on this page (e.g. the pre-flight asks the login panel to show its warning). An
   * object of the content script's own world, out of the page's reach — never the DOM.
   */
  bus: EventTarget;
}

export interface PortalFeature {
  /** = the file name (features/<id>.tsx). */
  id: string;
  /** The page kinds it runs on (detectors.ts). */
  include: readonly PortalPageKind[];
  /** Returns false when, after all, there is nothing to do on this page. */
  init(env: FeatureEnv, signal: AbortSignal): false | undefined;
}

export function defineFeature(f: PortalFeature): PortalFeature {
  return f;
}

const reported = new Set<string>();

/** Runs the features that apply to this page; one failing feature is reported once and never stops the others. */
export function runFeatures(features: readonly PortalFeature[], env: FeatureEnv, signal: AbortSignal): string[] {
  const ran: string[] = [];
  for (const f of features) {
    if (!f.include.includes(env.page.kind)) continue;
    try {
      if (f.init(env, signal) !== false) ran.push(f.id);
    } catch (e) {
      if (!reported.has(f.id)) {
        reported.add(f.id);
        console.warn(`cps-bridge: feature ${f.id} failed`, e);
      }
    }
  }
  return ran;
}
