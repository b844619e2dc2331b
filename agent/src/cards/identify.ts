/**
 * Card type and driver of a freshly inserted card. The ATR decides when it can (cards/atr-table.ts, no APDU).
 * For an ATR the table does not know — or an ANS CPx of an unknown generation — the only APDUs tried are
 * non-destructive SELECTs of the CPS applications (cps-card.md §1.4 guidance): ChipDoc on channel 1 first (a CPS4
 * also answers the IAS AID), then the IAS AID, contact then contactless. Nothing is read from a card that is not
 * a CPS (no Vitale data, GDPR). An unknown card is a card of type "unknown", never an exception.
 */
import type { CardType } from "@cps-bridge/protocol/model";
import type { Logger } from "../log";
import type { ReaderSession } from "../pcsc/reader-session";
import { type DriverFamily, identifyAtr } from "./atr-table";
import { Cps3Driver, IAS_AID, IAS_CL_AID } from "./cps3-driver";
import { CHIPDOC_AID, Cps4Driver } from "./cps4-driver";
import type { CardDriver } from "./driver";
import type { DriverContext } from "./driver-base";

export interface Classification {
  type: CardType;
  driver?: DriverFamily;
  by: "table" | "cpx-heuristic" | "no-atr" | "no-match" | "aid-probe";
}

const PROBES: { cla: number; aid: Uint8Array; driver: DriverFamily }[] = [
  { cla: 0x01, aid: CHIPDOC_AID, driver: "cps4" },
  { cla: 0x00, aid: IAS_AID, driver: "cps3" },
  { cla: 0x00, aid: IAS_CL_AID, driver: "cps3-contactless" },
];

export async function classify(
  session: ReaderSession,
  atr: Uint8Array | null,
  mute: boolean,
  logger: Logger,
): Promise<Classification> {
  if (mute || !atr) return { type: "mute", by: "no-atr" };
  const byAtr = identifyAtr(atr);
  if (byAtr.by === "table") return { type: byAtr.type, driver: byAtr.driver, by: "table" };
  if (byAtr.type !== "unknown" && byAtr.type !== "cpx-unknown") return { type: byAtr.type, by: byAtr.by };
  try {
    const found = await session.transaction(
      async (tx) => {
        for (const p of PROBES) {
          const r = await tx.send({ cla: p.cla, ins: 0xa4, p1: 0x04, p2: 0x0c, data: p.aid });
          if (r.sw === 0x9000) return p.driver;
        }
        return undefined;
      },
      { label: "probe" },
    );
    if (found) return { type: "cpx-unknown", driver: found, by: "aid-probe" };
  } catch (err) {
    logger.info(
      { event: "card.probe-failed", reader: session.name, code: (err as { code?: string }).code },
      "AID probe failed",
    );
  }
  return { type: byAtr.type, by: byAtr.by };
}

export function createDriver(family: DriverFamily, ctx: DriverContext): CardDriver {
  switch (family) {
    case "cps3":
      return new Cps3Driver(ctx, false);
    case "cps3-contactless":
      return new Cps3Driver(ctx, true);
    case "cps4":
      return new Cps4Driver(ctx);
  }
}
