import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { type ExtensionState, initialState } from "../shared/state";
import { cps3Reader } from "../test-support/fake-agent";
import { BADGE_COLORS, badgeOf, createBadgeUpdater } from "./badge";

beforeEach(() => fakeBrowser.reset());

const base = initialState(17777, "fr");
const connected = (readers: ExtensionState["readers"]): ExtensionState => ({
  ...base,
  agent: { status: "connected", port: 17777, since: 0 },
  pcsc: "up",
  readers,
  readersKnown: true,
});

describe("badge", () => {
  it("no agent: grey OFF with a French title saying it does not answer", () => {
    const b = badgeOf({ ...base, agent: { status: "unavailable", port: 17777, since: 0 } });
    expect(b).toEqual({
      text: "OFF",
      color: BADGE_COLORS.neutral,
      title: "cps-bridge — Le programme cps-bridge ne répond pas",
    });
  });

  it("no card: a grey dash", () => {
    const b = badgeOf(connected([{ name: "R", state: "empty" }]));
    expect(b.text).toBe("–");
    expect(b.color).toBe(BADGE_COLORS.neutral);
    expect(b.title).toBe("cps-bridge — Aucune carte dans le lecteur");
  });

  it("card ready: green OK", () => {
    const b = badgeOf(connected([cps3Reader()]));
    expect(b).toMatchObject({ text: "OK", color: BADGE_COLORS.ok, title: "cps-bridge — Carte CPS prête" });
  });

  it("card blocked: red !", () => {
    const b = badgeOf(connected([cps3Reader({ pin: { triesLeft: 0, maxTries: 3, blocked: true, verified: false } })]));
    expect(b).toMatchObject({ text: "!", color: BADGE_COLORS.error, title: "cps-bridge — Carte CPS bloquée" });
  });

  it("Vitale inserted: orange ?, title names the card", () => {
    const b = badgeOf(connected([{ name: "R", state: "present", cardType: "vitale2" }]));
    expect(b).toMatchObject({ text: "?", color: BADGE_COLORS.warn });
    expect(b.title).toBe("cps-bridge — Carte Vitale 2 insérée : ce n'est pas une carte CPS");
  });

  it("speaks English when the interface does", () => {
    const b = badgeOf({ ...connected([cps3Reader()]), language: "en" });
    expect(b.title).toBe("cps-bridge — CPS card ready");
  });

  it("applies itself through the action API, and skips unchanged badges", async () => {
    const setText = vi.spyOn(fakeBrowser.action, "setBadgeText");
    const update = createBadgeUpdater(fakeBrowser.action as never);
    await update(connected([cps3Reader()]));
    await update({ ...connected([cps3Reader()]), updatedAt: 99 });
    expect(setText).toHaveBeenCalledTimes(1);
    expect(await fakeBrowser.action.getBadgeText({})).toBe("OK");
    expect(await fakeBrowser.action.getTitle({})).toBe("cps-bridge — Carte CPS prête");
    await update({ ...base, agent: { status: "unavailable", port: 1, since: 0 } });
    expect(await fakeBrowser.action.getBadgeText({})).toBe("OFF");
  });
});
