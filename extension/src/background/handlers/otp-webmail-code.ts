/**
 * A webmail tab read the portal's code (content script on a known webmail, issue 11 §2). The background applies the
 * same rules as for the mailbox (broker.ts) before a portal tab may get it; nothing is answered back but a verdict.
 */
import { defineHandler, fail } from "../router";

export default defineHandler({
  type: "otp.webmail-code",
  from: ["content-script"],
  async handle({ code, mailDate, sender, mailId, webmail }, { services }) {
    if (
      typeof code !== "string" ||
      !/^\d{6}$/.test(code) ||
      typeof mailDate !== "number" ||
      !Number.isFinite(mailDate) ||
      typeof sender !== "string" ||
      sender.length > 320 ||
      typeof mailId !== "string" ||
      mailId.length === 0 ||
      mailId.length > 200 ||
      typeof webmail !== "string" ||
      webmail.length > 40
    ) {
      return fail("ERR_INVALID_PARAMS");
    }
    // The webmail's own id, scoped by webmail so two webmails' ids never collide.
    const r = await services.otp.offerWebmail({ code, mailDate, sender, mailId: `w_${webmail}_${mailId}`, webmail });
    return { ok: true, ...r };
  },
});
