/** `readers.list` (protocol/src/methods/readers-list.ts): the card service's cached view; no card access. */
import type { Handler } from "../context";

export const readersList: Handler<"readers.list"> = (_params, { services }) => ({
  pcsc: services.cardService.pcscState(),
  readers: services.cardService.readers(),
});
