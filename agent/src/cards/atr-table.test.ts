import { CARD_TYPE_LABELS } from "@cps-bridge/protocol/card-labels";
import { CARD_TYPES } from "@cps-bridge/protocol/model";
import { describe, expect, it } from "vitest";
import { fromHex } from "../pcsc/apdu";
import { parseAtr } from "./atr";
import { ATR_TABLE, identifyAtr } from "./atr-table";

const id = (hexAtr: string) => identifyAtr(fromHex(hexAtr));

describe("ATR table (cps-card.md §1.3–1.4)", () => {
  it.each([
    ["3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00", "cps3", "cps3"],
    // same card family, other issuance bytes: the mask keeps only what §1.3 says is fixed
    ["3B AC 00 40 2A 00 12 25 00 64 80 00 04 11 00 90 00", "cps3", "cps3"],
    ["3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E", "cps3-contactless", "cps3-contactless"],
    ["3B 8F 80 01 00 31 B8 64 00 00 EC C0 73 94 01 80 82 90 00 0E", "cps3-contactless", "cps3-contactless"],
    ["3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44", "cps4", "cps4"],
    ["3B 9B 18 80 01 00 12 25 00 64 80 00 04 01 00 90 44", "cps4", "cps4"],
    ["3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00", "cps4", "cps4"],
    ["3B AC 00 40 2A 00 12 25 00 64 80 82 02 12 00 90 00", "cps2ter", undefined],
    ["3B 75 13 00 00 43 09 EA 90 00", "vitale2", undefined],
    ["3B 75 13 00 00 4C 09 EA 90 00", "vitale2", undefined],
    ["3B 75 13 00 00 45 09 FA 90 00", "vitale2", undefined],
    ["3F 65 25 00 22 09 F9 90 00", "vitale1", undefined],
    ["3F 65 25 00 52 09 6A 90 00", "vitale1", undefined],
    ["3F 65 25 00 A3 09 6A 90 00", "vitale1", undefined],
    ["3B DB 96 FF 80 B1 FE 45 1F 87 00 31 C1 64 09 37 72 13 0F 90 00 F4", "cnie", undefined],
    ["3B 8B 80 01 00 31 C1 64 09 37 72 13 00 90 00 51", "cnie", undefined],
    ["3B 65 00 00 20 63 CB 6A 00", "bank", undefined],
    ["3F 65 25 08 31 04 6C 90 00", "bank", undefined],
  ])("%s → %s", (atr, type, driver) => {
    const r = id(atr);
    expect(r.type).toBe(type);
    expect(r.driver).toBe(driver);
  });

  it("puts exact CPS4-T=0 and CPS2ter before the CPS3 mask they also match", () => {
    const cps3 = ATR_TABLE.findIndex((e) => e.type === "cps3");
    const cps4t0 = ATR_TABLE.findIndex((e) => e.description.includes("T=0 only"));
    const cps2ter = ATR_TABLE.findIndex((e) => e.type === "cps2ter");
    expect(cps4t0).toBeLessThan(cps3);
    expect(cps2ter).toBeLessThan(cps3);
  });

  it("calls an ANS card of an unlisted generation cpx-unknown (historical bytes 00 12 25 00 64 80)", () => {
    // T0=9B (TA1, TD1), 11 historical bytes, hypothetical pre-issuing data 80 05 …
    expect(id("3B 9B 18 80 01 00 12 25 00 64 80 05 01 00 00 90 44").type).toBe("cpx-unknown");
  });

  it("gives unknown for other ATRs and mute for no ATR, never throws", () => {
    expect(id("3B 80 80 01 01").type).toBe("unknown");
    // the test bench's "unknown" card: 3B 6C 00 00 + "UNKNOWN-CARD" (not a bank card despite 3B 6x 00 00)
    expect(id("3B 6C 00 00 55 4E 4B 4E 4F 57 4E 2D 43 41 52 44").type).toBe("unknown");
    expect(identifyAtr(null).type).toBe("mute");
    expect(identifyAtr(new Uint8Array(0)).type).toBe("mute");
    expect(id("FF").type).toBe("unknown");
    expect(id("3B FF").type).toBe("unknown");
  });

  it("has a French and an English label for every card type", () => {
    for (const t of CARD_TYPES) {
      expect(CARD_TYPE_LABELS[t].label.fr.length).toBeGreaterThan(3);
      expect(CARD_TYPE_LABELS[t].label.en.length).toBeGreaterThan(3);
    }
    expect(CARD_TYPE_LABELS.vitale2.label.fr).toBe("Carte Vitale : insérez votre carte CPS");
  });
});

describe("parseAtr", () => {
  it("finds the historical bytes of CPS3, CPS4 and CPS4-T=0", () => {
    const h = (a: string) => Buffer.from(parseAtr(fromHex(a))!.historical).toString("hex");
    expect(h("3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00")).toBe("001225006480000310009000");
    expect(h("3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44")).toBe("0012250064800401000090");
    expect(h("3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00")).toBe("001225006480000401009000");
    expect(parseAtr(fromHex("3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44"))!.protocols).toEqual([0, 1]);
  });
  it("returns null on truncated ATRs", () => {
    expect(parseAtr(fromHex("3B AC 00 40"))).toBeNull();
    expect(parseAtr(fromHex("3B"))).toBeNull();
  });
});
