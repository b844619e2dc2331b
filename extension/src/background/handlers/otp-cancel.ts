/** The portal's code step ends its wait (the doctor typed the code, or left the page). */
import { originOfSender } from "../pin/sender-origin";
import { defineHandler } from "../router";

export default defineHandler({
  type: "otp.cancel",
  from: ["content-script"],
  async handle(_req, { sender, services }) {
    const { tabId } = originOfSender(sender);
    return { ok: true, cancelled: services.otp.cancel(tabId) };
  },
});
