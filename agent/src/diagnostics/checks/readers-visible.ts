/** readers.visible: PC/SC lists at least one reader (after readers.usb, which names a reader PC/SC cannot see). */
import type { AgentCheck, CheckOutcome } from "../check";

export const readersVisible: AgentCheck = {
  id: "readers.visible",
  dependsOn: ["pcsc.service", "readers.usb"],
  codes: ["DIAG_READERS_OK", "DIAG_NO_READER"],
  summary: "The PC/SC service lists at least one card reader.",
  async run(ctx): Promise<CheckOutcome> {
    const names = ctx.cards.readers().map((r) => r.name);
    if (names.length === 0) return { verdict: "failed", code: "DIAG_NO_READER", facts: { readers: [] } };
    return {
      verdict: "ok",
      code: "DIAG_READERS_OK",
      params: { count: names.length, names: names.join(", ") },
      facts: { readers: names },
    };
  },
};
