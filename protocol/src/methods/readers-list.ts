/** `readers.list`: the agent's cached view of readers and cards (no APDU; identity appears once read). */
import * as v from "valibot";
import { PcscStateSchema, ReaderStatusSchema } from "../model";
import { defineMethod, GENERIC_ERRORS } from "./define";

export const readersList = defineMethod({
  name: "readers.list",
  summary: "Readers, what is in them, and the PC/SC service state (cached; no card access).",
  params: v.strictObject({}),
  result: v.object({
    pcsc: PcscStateSchema,
    readers: v.array(ReaderStatusSchema),
  }),
  requiresAuth: true,
  cardOperation: false,
  timeoutMs: 5_000,
  errors: [...GENERIC_ERRORS, "ERR_PCSC_SERVICE_DOWN"],
  since: "1.0",
});
