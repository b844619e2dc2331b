/**
 * The portal's code step asks for the e-mailed code (content script, issue 11). The origin is read from the sender's
 * top-level tab (sender-origin.ts), never from the message, and must be a portal the doctor allows (options: the
 * portals, or a developer origin). Only that tab gets the answer. While it waits, an `otp.refused` event of the agent
 * (a DKIM/SPF-failed mail) is passed to that tab as a warning.
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import { OTP_VALIDITY_MS } from "@cps-bridge/protocol/otp/rules";
import { browser } from "wxt/browser";
import { OTP_WARNING } from "../../shared/messages";
import { DEFAULT_OTP_SETTINGS, loadOtpSettings } from "../../shared/otp-settings";
import { originOfSender } from "../pin/sender-origin";
import { defineHandler, fail } from "../router";

export default defineHandler({
  type: "otp.request",
  from: ["content-script"],
  async handle({ since, timeoutMs, sources }, { sender, services }) {
    const { origin, tabId } = originOfSender(sender);
    const s = services.settings();
    if (!s.portalOrigins.includes(origin) && !s.developerOrigins.includes(origin))
      return fail("ERR_ORIGIN_NOT_ALLOWED");
    const now = Date.now();
    if (typeof since !== "number" || !Number.isFinite(since)) return fail("ERR_INVALID_PARAMS");
    // The request moment is bounded by the code's validity: never before 10 minutes ago, never in the future.
    const boundedSince = Math.round(Math.min(now, Math.max(now - OTP_VALIDITY_MS, since)));
    const boundedTimeout = Math.round(Math.min(OTP_VALIDITY_MS, Math.max(1_000, Number(timeoutMs) || 0)));
    const off = services.client.onEvent((e) => {
      if (e.event !== "otp.refused") return;
      void browser.tabs.sendMessage(tabId, { type: OTP_WARNING, code: e.data.code }, { frameId: 0 }).catch(() => {});
    });
    try {
      const offer = await services.otp.request({
        tabId,
        origin,
        since: boundedSince,
        timeoutMs: boundedTimeout,
        sources: sources === "webmail" ? "webmail" : "any",
      });
      const { autoSubmit } = await loadOtpSettings().catch(() => DEFAULT_OTP_SETTINGS);
      return {
        ok: true,
        code: offer.code,
        mailDate: offer.mailDate,
        sender: offer.sender,
        source: offer.source,
        autoSubmit,
      };
    } catch (e) {
      if (e instanceof BridgeError) return fail(e.code);
      throw e;
    } finally {
      off();
    }
  },
});
