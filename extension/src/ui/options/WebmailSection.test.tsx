// @vitest-environment happy-dom
/** The webmail ticks: each asks the browser for its own origins in the click, and is saved only if granted. */
import { cleanup, fireEvent, render, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { loadOtpSettings, OTP_SETTINGS_KEY } from "../../shared/otp-settings";
import { WebmailSection } from "./WebmailSection";

let grant = true;
const requested: string[][] = [];
const removed: string[][] = [];
beforeEach(() => {
  fakeBrowser.reset();
  grant = true;
  requested.length = 0;
  removed.length = 0;
  Object.assign(fakeBrowser.permissions, {
    request: vi.fn(async ({ origins }: { origins: string[] }) => {
      requested.push(origins);
      return grant;
    }),
    remove: vi.fn(async ({ origins }: { origins: string[] }) => {
      removed.push(origins);
      return true;
    }),
  });
});
afterEach(cleanup);

describe("WebmailSection", () => {
  it("nothing is ticked by default; ticking Gmail asks for mail.google.com only and saves it once granted", async () => {
    const v = render(<WebmailSection lang="fr" />);
    const box = () => v.container.querySelector<HTMLInputElement>('input[data-webmail="gmail"]')!;
    expect([...v.container.querySelectorAll<HTMLInputElement>("input[data-webmail]")].some((b) => b.checked)).toBe(
      false,
    );
    fireEvent.click(box());
    await waitFor(async () => expect((await loadOtpSettings()).webmails).toEqual(["gmail"]));
    expect(requested).toEqual([["https://mail.google.com/*"]]);
    expect(v.container.textContent).toContain("Gmail : activé");
    await waitFor(() => expect(box().checked).toBe(true));
    // Unticking saves, then gives the permission back.
    fireEvent.click(box());
    await waitFor(() => expect(removed).toEqual([["https://mail.google.com/*"]]));
    expect((await loadOtpSettings()).webmails).toEqual([]);
  });

  it("a refused permission leaves the service off and says so", async () => {
    grant = false;
    const v = render(<WebmailSection lang="fr" />);
    fireEvent.click(v.container.querySelector('input[data-webmail="orange"]')!);
    await waitFor(() => expect(v.container.textContent).toContain("Autorisation refusée : Orange reste désactivé"));
    expect(requested).toEqual([["https://*.orange.fr/*"]]);
    expect((await fakeBrowser.storage.local.get(OTP_SETTINGS_KEY))[OTP_SETTINGS_KEY]).toBeUndefined();
  });

  it("keeps the other OTP settings when it saves (read-modify-write)", async () => {
    await fakeBrowser.storage.local.set({
      [OTP_SETTINGS_KEY]: { autoSubmit: true, senders: ["formation@exemple.fr"], webmails: ["sfr"] },
    });
    const v = render(<WebmailSection lang="fr" />);
    await waitFor(() =>
      expect(v.container.querySelector<HTMLInputElement>('input[data-webmail="sfr"]')!.checked).toBe(true),
    );
    fireEvent.click(v.container.querySelector('input[data-webmail="laposte"]')!);
    await waitFor(async () =>
      expect(await loadOtpSettings()).toEqual({
        autoSubmit: true,
        senders: ["formation@exemple.fr"],
        webmails: ["sfr", "laposte"],
      }),
    );
  });
});
