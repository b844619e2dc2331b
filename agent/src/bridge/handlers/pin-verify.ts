/**
 * `pin.verify` (protocol/src/methods/pin-verify.ts). The PIN arrives over the authenticated socket only (the dispatcher
 * refuses this method before auth.prove), typed in the extension's own PIN window (anchors.md §1.5). It is copied at
 * once into a byte buffer, the string is dropped from the params, the buffer goes to CardService.verifyPin (which
 * wipes it) and is wiped here again whatever happens. Nothing here logs params; the attempt is rate-limited per peer
 * and globally before the card is touched (the card's own counter blocks it after 3 wrong PINs anyway).
 */
import type { Handler } from "../context";
import { cardOptions } from "./card-options";

export const pinVerify: Handler<"pin.verify"> = async (params, { services, conn, signal }) => {
  const pin = new Uint8Array(params.pin.length);
  for (let i = 0; i < pin.length; i++) pin[i] = params.pin.charCodeAt(i); // ASCII digits (schema: ^\d{4,8}$)
  (params as { pin?: string }).pin = undefined;
  try {
    services.limiters.pin.take(conn.remoteAddress);
    return await services.cardService.verifyPin(pin, {
      ...cardOptions(params, signal),
      ...(params.confirmLastTry !== undefined ? { confirmLastTry: params.confirmLastTry } : {}),
    });
  } finally {
    pin.fill(0);
  }
};
