// @vitest-environment happy-dom
/** The sender allow-list: bare addresses only, saved for the webmail source and sent to the agent's mailbox. */
import { DEFAULT_OTP_SENDERS } from "@cps-bridge/protocol/otp/rules";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { loadOtpSettings } from "../../shared/otp-settings";

const sent: [string, Record<string, unknown>][] = [];
let answers: Record<string, unknown> = {};
vi.mock("../send", () => ({
  send: vi.fn(async (type: string, req: Record<string, unknown>) => {
    sent.push([type, req]);
    return answers[type] ?? { ok: true };
  }),
}));
const { SendersSection } = await import("./SendersSection");

beforeEach(() => {
  fakeBrowser.reset();
  sent.length = 0;
  answers = { "mailbox.status": { ok: true, configured: false, connected: false } };
});
afterEach(cleanup);

function open() {
  const v = render(<SendersSection lang="fr" />);
  const area = () => v.container.querySelector<HTMLTextAreaElement>('textarea[name="senders"]')!;
  return { v, area, text: () => v.container.textContent ?? "" };
}

describe("SendersSection", () => {
  it("shows the default senders, refuses a display name without saving anything, names the entry", async () => {
    const o = open();
    await waitFor(() => expect(o.area().value).toBe(DEFAULT_OTP_SENDERS.join("\n")));
    fireEvent.input(o.area(), { target: { value: "Portail <no_reply@exemple.fr>" } });
    fireEvent.submit(o.v.container.querySelector("form")!);
    await waitFor(() => expect(o.text()).toContain("n'est pas une adresse e-mail seule"));
    expect((await loadOtpSettings()).senders).toEqual([...DEFAULT_OTP_SENDERS]);
    expect(sent.some(([t]) => t === "mailbox.configure")).toBe(false);
  });

  it("saves the list; with no mailbox configured nothing is sent to the agent", async () => {
    const o = open();
    fireEvent.input(o.area(), { target: { value: "no_reply.trajectoire@sante-ra.fr\nformation@exemple.fr" } });
    fireEvent.submit(o.v.container.querySelector("form")!);
    await waitFor(() => expect(o.text()).toContain("Liste enregistrée."));
    expect((await loadOtpSettings()).senders).toEqual(["no_reply.trajectoire@sante-ra.fr", "formation@exemple.fr"]);
    expect(sent.some(([t]) => t === "mailbox.configure")).toBe(false);
  });

  it("with a mailbox configured, re-saves it with the new list and without a password", async () => {
    answers["mailbox.status"] = {
      ok: true,
      configured: true,
      connected: true,
      host: "imap.exemple.fr",
      port: 993,
      security: "tls",
      user: "dr@exemple.fr",
    };
    answers["mailbox.configure"] = { ok: true, credentialStore: "keyring" };
    const o = open();
    fireEvent.input(o.area(), { target: { value: "formation@exemple.fr" } });
    fireEvent.submit(o.v.container.querySelector("form")!);
    await waitFor(() => expect(o.text()).toContain("aussi pour la boîte aux lettres"));
    const req = sent.find(([t]) => t === "mailbox.configure")?.[1];
    expect(req).toEqual({
      host: "imap.exemple.fr",
      port: 993,
      security: "tls",
      user: "dr@exemple.fr",
      senders: ["formation@exemple.fr"],
    });
  });

  it("an agent's refusal is shown with its code", async () => {
    answers["mailbox.status"] = {
      ok: true,
      configured: true,
      connected: false,
      host: "imap.exemple.fr",
      port: 993,
      security: "tls",
      user: "dr@exemple.fr",
    };
    answers["mailbox.configure"] = { ok: false, code: "OTP_MAILBOX_NOT_CONFIGURED" };
    const o = open();
    fireEvent.submit(o.v.container.querySelector("form")!);
    await waitFor(() =>
      expect(o.v.container.querySelector("[data-senders-status]")?.getAttribute("data-error-code")).toBe(
        "OTP_MAILBOX_NOT_CONFIGURED",
      ),
    );
  });
});
