/**
 * The options page's mailbox section (issue 11): settings and password go straight to the agent (which keeps the
 * password in the OS credential store); nothing of them is written to the extension's storage.
 */
import { mailboxConfigure } from "@cps-bridge/protocol/methods/mailbox-configure";
import { mailboxStatus } from "@cps-bridge/protocol/methods/mailbox-status";
import { mailboxTest } from "@cps-bridge/protocol/methods/mailbox-test";
import { defineHandler } from "../router";

export const mailboxConfigureHandler = defineHandler({
  type: "mailbox.configure",
  from: ["extension-page"],
  async handle(req, { services }) {
    const r = await services.client.call(mailboxConfigure, {
      host: req.host,
      port: req.port,
      security: req.security,
      user: req.user,
      ...(req.password ? { password: req.password } : {}),
      ...(req.deleteAfterUse !== undefined ? { deleteAfterUse: req.deleteAfterUse } : {}),
      ...(req.senders && req.senders.length > 0 ? { senders: [...req.senders] } : {}),
    });
    return { ok: true, credentialStore: r.credentialStore };
  },
});

export const mailboxTestHandler = defineHandler({
  type: "mailbox.test",
  from: ["extension-page"],
  async handle(req, { services }) {
    const r = await services.client.call(mailboxTest, {
      ...(req.host ? { host: req.host } : {}),
      ...(req.port ? { port: req.port } : {}),
      ...(req.security ? { security: req.security } : {}),
      ...(req.user ? { user: req.user } : {}),
      ...(req.password ? { password: req.password } : {}),
    });
    return { ok: true, latencyMs: r.latencyMs, mailboxes: r.mailboxes };
  },
});

export const mailboxStatusHandler = defineHandler({
  type: "mailbox.status",
  from: ["extension-page"],
  async handle(_req, { services }) {
    if (!services.client.supports("mailbox.status")) return { ok: true, configured: false, connected: false };
    const r = await services.client.call(mailboxStatus, {});
    return {
      ok: true,
      configured: r.configured,
      connected: r.connected,
      ...(r.host ? { host: r.host } : {}),
      ...(r.user ? { user: r.user } : {}),
      ...(r.port !== undefined ? { port: r.port } : {}),
      ...(r.security ? { security: r.security } : {}),
      ...(r.senders ? { senders: [...r.senders] } : {}),
      ...(r.deleteAfterUse !== undefined ? { deleteAfterUse: r.deleteAfterUse } : {}),
      ...(r.lastErrorCode ? { lastErrorCode: r.lastErrorCode } : {}),
    };
  },
});
