/**
 * `pin.verify` (protocol/src/methods/pin-verify.ts). The PIN arrives over the authenticated socket only (the dispatcher
 * refuses this method before auth.prove), typed in the extension's own PIN window (anchors.md §1.5). It is copied at
 * once into a byte buffer, the string is dropped from the params, the buffer goes to CardService.verifyPin (which
 * wipes it) and is wiped here again whatever happens. Nothing here logs params; the attempt is rate-limited per peer
 * and globally before the card is touched (the card's own counter blocks it after 3 wrong PINs anyway).
 */
import type { CardOperationOptions } from "../../card-service";
import type { Handler } from "../context";
import { cardOptions } from "./card-options";

export const pinVerify: Handler<"pin.verify"> = async (params, ctx) => {
  const { services, conn } = ctx;
  const pin = new Uint8Array(params.pin.length);
  for (let i = 0; i < pin.length; i++) pin[i] = params.pin.charCodeAt(i); // ASCII digits (schema: ^\d{4,8}$)
  (params as { pin?: string }).pin = undefined;
  try {
    services.limiters.pin.take(conn.remoteAddress);
    // Not spread: spreading would read (and so create) the request's signal before the card service needs it.
    const options: CardOperationOptions & { confirmLastTry?: boolean } = cardOptions(params, ctx);
    if (params.confirmLastTry !== undefined) options.confirmLastTry = params.confirmLastTry;
    return await services.cardService.verifyPin(pin, options);
  } finally {
    pin.fill(0);
  }
};
