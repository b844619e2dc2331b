// @vitest-environment happy-dom
/** The mailbox section: presets, the password sent once to the agent and never kept, errors in French. */
import { DEFAULT_OTP_SENDERS } from "@cps-bridge/protocol/otp/rules";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { browser } from "wxt/browser";
import { fakeBrowser } from "wxt/testing/fake-browser";

const sent: [string, Record<string, unknown>][] = [];
let answers: Record<string, unknown> = {};
vi.mock("../send", () => ({
  send: vi.fn(async (type: string, req: Record<string, unknown>) => {
    sent.push([type, req]);
    return answers[type] ?? { ok: true };
  }),
}));
const { MailboxSection } = await import("./MailboxSection");

beforeEach(() => {
  fakeBrowser.reset();
  sent.length = 0;
  answers = { "mailbox.status": { ok: true, configured: false, connected: false } };
});
afterEach(cleanup);

function open() {
  const view = render(<MailboxSection lang="fr" />);
  const q = <T extends Element>(sel: string) => view.container.querySelector<T>(sel)!;
  const set = (sel: string, value: string) => fireEvent.input(q(sel), { target: { value } });
  return { ...view, q, set, text: () => view.container.textContent ?? "" };
}

describe("MailboxSection", () => {
  it("fills the provider's settings from the address, says when an app password is needed", async () => {
    const o = open();
    o.set('input[name="user"]', "dr.martin@gmail.com");
    await waitFor(() => expect(o.q<HTMLInputElement>('input[name="host"]').value).toBe("imap.gmail.com"));
    expect(o.q<HTMLInputElement>('input[name="port"]').value).toBe("993");
    expect(o.text()).toContain("mot de passe d'application");
  });

  it("sends the password to the agent once, clears the field, and stores nothing of it", async () => {
    answers["mailbox.configure"] = { ok: true, credentialStore: "keyring" };
    const o = open();
    fireEvent.change(o.q('select[name="preset"]'), { target: { value: "orange" } });
    o.set('input[name="user"]', "dr.martin@orange.fr");
    o.set('input[name="password"]', "mot-de-passe-secret");
    fireEvent.submit(o.q("form"));
    await waitFor(() => expect(o.text()).toContain("trousseau du système"));
    expect(sent.find(([t]) => t === "mailbox.configure")?.[1]).toMatchObject({
      host: "imap.orange.fr",
      port: 993,
      security: "tls",
      user: "dr.martin@orange.fr",
      password: "mot-de-passe-secret",
      // The options' allow-list goes with it (the default one here).
      senders: ["no_reply.trajectoire@sante-ra.fr", ...DEFAULT_OTP_SENDERS.slice(1)],
    });
    expect(o.q<HTMLInputElement>('input[name="password"]').value).toBe("");
    expect(JSON.stringify(await browser.storage.local.get(null))).not.toContain("mot-de-passe-secret");
    expect(JSON.stringify(await browser.storage.session.get(null))).not.toContain("mot-de-passe-secret");
  });

  it("shows a failed test in French with its remedy", async () => {
    answers["mailbox.test"] = { ok: false, code: "OTP_IMAP_AUTH" };
    const o = open();
    fireEvent.click(o.q('[data-action="mailbox-test"]'));
    await waitFor(() => expect(o.q("[data-mailbox-status]").getAttribute("data-error-code")).toBe("OTP_IMAP_AUTH"));
    expect(o.text().length).toBeGreaterThan(50);
  });

  it("keeps the auto-submit option (off by default) in its own storage key", async () => {
    const o = open();
    const box = o.q<HTMLInputElement>('input[name="otpAutoSubmit"]');
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    await waitFor(async () =>
      expect((await browser.storage.local.get("otpSettings")).otpSettings).toMatchObject({ autoSubmit: true }),
    );
  });
});
