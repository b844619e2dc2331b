import { ERROR_CODES, ERRORS } from "@cps-bridge/protocol/errors";
import { CARD_TYPES } from "@cps-bridge/protocol/model";
import { describe, expect, it } from "vitest";
import { headlineOf } from "../shared/headline";
import type { SituationKind } from "../shared/situation";
import { cardLabel } from "./card-labels";
import { en } from "./en";
import { fr } from "./fr";
import { errorText, formatDate, resolveLanguage, t } from "./index";

const KINDS: SituationKind[] = [
  "agent-connecting",
  "agent-unavailable",
  "agent-unpaired",
  "agent-error",
  "pcsc-down",
  "readers-loading",
  "no-reader",
  "no-card",
  "card-mute",
  "not-a-cps",
  "unsupported-cps",
  "card-reading",
  "card-error",
  "cert-expired",
  "cert-not-yet-valid",
  "cert-untrusted",
  "pin-blocked",
  "pin-last-try",
  "ready",
];

describe("i18n", () => {
  it("English has every French key, and no text is empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [k, v] of [...Object.entries(fr), ...Object.entries(en)]) expect(v.trim(), k).not.toBe("");
  });

  it("placeholders match between the two languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(fr) as Array<keyof typeof fr>) expect(names(en[k]), k).toEqual(names(fr[k]));
  });

  it("every situation has a headline and a next step in both languages", () => {
    for (const kind of KINDS) {
      for (const lang of ["fr", "en"] as const) {
        const h = headlineOf({ kind, tone: "neutral", code: kind === "ready" ? undefined : "ERR_NO_CARD" }, lang);
        expect(h.title, kind).not.toMatch(/^situation\./);
        expect(h.next, kind).not.toBe("");
      }
    }
    // The situations that carry no error code have their own next-step sentence.
    for (const kind of ["agent-connecting", "readers-loading", "card-reading", "ready"] as const) {
      for (const lang of ["fr", "en"] as const) {
        const h = headlineOf({ kind, tone: "busy" }, lang);
        expect(h.next, kind).toMatch(/\w/);
        expect(h.next, kind).not.toMatch(/^situation\./);
      }
    }
  });

  it("every error code of protocol/src/errors.ts reads as a French sentence and a remedy, from errors.ts itself", () => {
    for (const code of ERROR_CODES) {
      const fr = errorText(code, "fr");
      expect(fr).toEqual({ text: ERRORS[code].fr, remedy: ERRORS[code].remedyFr });
      expect(errorText(code, "en")).toEqual({ text: ERRORS[code].en, remedy: ERRORS[code].remedyEn });
    }
    expect(errorText("ERR_NOT_A_REAL_CODE", "fr").text).toBe(ERRORS.ERR_INTERNAL.fr);
  });

  it("a CPS3 read contactless is not usable, and the popup says to use the contact reader", () => {
    const reader = { name: "R", state: "present" as const, cardType: "cps3-contactless" as const };
    const h = headlineOf({ kind: "unsupported-cps", tone: "error", code: "ERR_UNSUPPORTED_CARD", reader }, "fr");
    expect(h.next).toContain("lecteur à contact");
  });

  it("every card type has a label; the Vitale card is called by its name", () => {
    for (const type of CARD_TYPES) expect(cardLabel(type, "fr")).not.toBe("");
    expect(cardLabel("vitale2", "fr")).toBe("Carte Vitale 2");
    expect(
      headlineOf(
        {
          kind: "not-a-cps",
          tone: "warn",
          code: "ERR_NOT_A_CPS",
          reader: { name: "R", state: "present", cardType: "vitale1" },
        },
        "fr",
      ).title,
    ).toBe("Carte Vitale 1 insérée : ce n'est pas une carte CPS");
  });

  it("auto language: English for an English browser, French otherwise", () => {
    expect(resolveLanguage("auto", "en-US")).toBe("en");
    expect(resolveLanguage("auto", "fr-FR")).toBe("fr");
    expect(resolveLanguage("auto", "de")).toBe("fr");
    expect(resolveLanguage("auto", undefined)).toBe("fr");
    expect(resolveLanguage("en", "fr-FR")).toBe("en");
  });

  it("interpolates and formats dates the way each language writes them", () => {
    expect(t("fr", "card.pinTries", { n: 2, max: 3 })).toBe("2 essais restants sur 3");
    expect(formatDate("2028-01-31T12:00:00Z", "fr")).toBe("31/01/2028");
    expect(formatDate("2028-01-31T12:00:00Z", "en")).toBe("31 Jan 2028");
  });
});
