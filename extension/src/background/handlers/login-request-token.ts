import { originOfSender } from "../pin/sender-origin";
import { defineHandler, fail } from "../router";

/**
 * Portal login assistant (content script, issue 6): a token for the challenge of the page's own portal session.
 * The origin is read from the sender's top-level tab URL, never from the message; only content scripts on a tab
 * may ask, and the origin must be one of the portals allowed in the options.
 */
export default defineHandler({
  type: "login.requestToken",
  from: ["content-script"],
  async handle({ challengeNonce }, { sender, services }) {
    const { origin, tabId } = originOfSender(sender);
    const outcome = await services.pins.requestPinAndSign({ origin, challengeNonce: String(challengeNonce), tabId });
    return outcome.ok ? { ok: true, token: outcome.token } : fail(outcome.code, outcome.details);
  },
});
