import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { STATE_PORT } from "../shared/messages";
import { OTP_SETTINGS_KEY } from "../shared/otp-settings";
import { SETTINGS_KEY } from "../shared/settings";
import { cps3Reader, FakeAgent } from "../test-support/fake-agent";
import { RECONNECT_ALARM, startBackground } from "./main";
import { WEBMAIL_SCRIPT_ID } from "./otp/webmail-scripts";

type ConnectListener = (port: unknown) => void;

/** What wxt's fake browser lacks: permission events and `contains`, and `scripting` (in memory). */
const granted = new Set<string>();
let permissionListeners: Array<() => void> = [];
const registeredScripts = new Map<string, { matches: string[]; js: string[] }>();
function fakePermissionsAndScripting() {
  permissionListeners = [];
  registeredScripts.clear();
  Object.assign(fakeBrowser.permissions, {
    onAdded: { addListener: (l: () => void) => permissionListeners.push(l) },
    onRemoved: { addListener: (l: () => void) => permissionListeners.push(l) },
    contains: async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o)),
  });
  Object.assign(fakeBrowser, {
    scripting: {
      getRegisteredContentScripts: async ({ ids }: { ids: string[] }) =>
        ids.filter((id) => registeredScripts.has(id)).map((id) => ({ id })),
      registerContentScripts: async (list: Array<{ id: string; matches: string[]; js: string[] }>) => {
        for (const x of list) registeredScripts.set(x.id, x);
      },
      unregisterContentScripts: async ({ ids }: { ids: string[] }) => {
        for (const id of ids) registeredScripts.delete(id);
      },
    },
  });
}

async function boot() {
  fakeBrowser.reset();
  fakePermissionsAndScripting();
  const connectListeners: ConnectListener[] = [];
  Object.assign(fakeBrowser.runtime, {
    getManifest: () => ({ version: "0.1.0" }),
    onConnect: { addListener: (l: ConnectListener) => connectListeners.push(l) },
  });
  Object.assign(fakeBrowser.i18n ?? {}, { getUILanguage: () => "fr-FR" });
  const agent = await new FakeAgent().init();
  agent.readers = [cps3Reader()];
  const handle = startBackground({ createSocket: agent.factory, indexedDB: new IDBFactory() });
  await handle.ready;
  return { handle, agent, connectListeners };
}

beforeEach(() => fakeBrowser.reset());

describe("startBackground", () => {
  it("starts the agent client at once and shows the result on the badge", async () => {
    const { handle, agent } = await boot();
    await vi.waitFor(() => expect(handle.store.get().agent.status).toBe("unpaired"));
    expect(agent.sockets[0]?.url).toBe("ws://127.0.0.1:17777");
    await vi.waitFor(async () => expect(await fakeBrowser.action.getBadgeText({})).toBe("!"));
    expect(await fakeBrowser.action.getTitle({})).toBe("cps-bridge — Extension pas encore appairée");
    expect(await fakeBrowser.alarms.get(RECONNECT_ALARM)).toBeDefined();
    handle.client.stop();
  });

  it("reconnects to the new port when the options change it, and follows the language", async () => {
    const { handle, agent } = await boot();
    await vi.waitFor(() => expect(handle.store.get().agent.status).toBe("unpaired"));
    await fakeBrowser.storage.local.set({ [SETTINGS_KEY]: { agentPort: 18123, language: "en" } });
    await vi.waitFor(() => expect(agent.sockets.at(-1)?.url).toBe("ws://127.0.0.1:18123"));
    expect(handle.store.get().agent.port).toBe(18123);
    expect(handle.store.get().language).toBe("en");
    handle.client.stop();
  });

  it("serves the state port to our pages and answers nothing to unknown senders", async () => {
    const { handle, connectListeners } = await boot();
    const sent: unknown[] = [];
    connectListeners[0]!({
      name: STATE_PORT,
      sender: { id: fakeBrowser.runtime.id },
      postMessage: (m: unknown) => sent.push(m),
      disconnect: () => {},
      onDisconnect: { addListener: () => {} },
    });
    expect(sent).toHaveLength(1);
    // A sender that is none of our pages (another extension) is refused; a message that is not ours is left alone.
    const [refused] = await fakeBrowser.runtime.onMessage.trigger(
      { type: "agent.reconnect" },
      { id: "other" },
      () => {},
    );
    expect(refused).toEqual({ ok: false, code: "ERR_ORIGIN_NOT_ALLOWED" });
    const [ignored] = await fakeBrowser.runtime.onMessage.trigger(
      { type: "not.ours" },
      { id: fakeBrowser.runtime.id },
      () => {},
    );
    expect(ignored).toBeUndefined();
    const [accepted] = await fakeBrowser.runtime.onMessage.trigger(
      { type: "agent.reconnect" },
      { id: fakeBrowser.runtime.id, url: "chrome-extension://test-extension-id/popup.html" },
      () => {},
    );
    expect(accepted).toEqual({ ok: true });
    handle.client.stop();
  });

  it("opens the pairing page on first install", async () => {
    const { handle } = await boot();
    const create = vi.spyOn(fakeBrowser.tabs, "create");
    await fakeBrowser.runtime.onInstalled.trigger({ reason: "install" });
    expect(create).toHaveBeenCalledWith({ url: "chrome-extension://test-extension-id/pair.html" });
    handle.client.stop();
  });

  it("registers the webmail script only on ticked webmails' granted origins, and follows ticks and grants", async () => {
    granted.clear();
    const { handle } = await boot();
    expect(registeredScripts.size).toBe(0);
    // Ticked but not granted yet: nothing runs there.
    await fakeBrowser.storage.local.set({ [OTP_SETTINGS_KEY]: { webmails: ["gmail", "outlook"] } });
    await vi.waitFor(() => expect(handle.webmailScripts.registered).toEqual([]));
    granted.add("https://mail.google.com/*");
    for (const l of permissionListeners) l();
    await vi.waitFor(() =>
      expect(registeredScripts.get(WEBMAIL_SCRIPT_ID)).toMatchObject({
        matches: ["https://mail.google.com/*"],
        js: ["content-scripts/webmail.js"],
      }),
    );
    // Unticked: unregistered, though the permission is still granted.
    await fakeBrowser.storage.local.set({ [OTP_SETTINGS_KEY]: { webmails: ["outlook"] } });
    await vi.waitFor(() => expect(registeredScripts.has(WEBMAIL_SCRIPT_ID)).toBe(false));
    handle.client.stop();
  });
});
