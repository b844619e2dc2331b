/** `card.status` (protocol/src/methods/card-status.ts): cached after the first read; queued per reader otherwise. */
import type { Handler } from "../context";
import { cardOptions } from "./card-options";

export const cardStatus: Handler<"card.status"> = (params, ctx) =>
  ctx.services.cardService.cardStatus(cardOptions(params, ctx));
