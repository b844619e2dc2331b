/** `pin.status` (protocol/src/methods/pin-status.ts): tries left without spending one. */
import type { Handler } from "../context";
import { cardOptions } from "./card-options";

export const pinStatus: Handler<"pin.status"> = (params, ctx) =>
  ctx.services.cardService.pinStatus(cardOptions(params, ctx));
