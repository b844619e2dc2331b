import { BridgeError } from "@cps-bridge/protocol/errors";
import { describe, expect, it } from "vitest";
import { isServiceLoss, scardCode, toBridgeError } from "./errors";

describe("PC/SC error mapping", () => {
  it.each([
    ["PC/SC service not running", "ERR_PCSC_SERVICE_DOWN", "0x8010001D"],
    ["PC/SC service stopped", "ERR_PCSC_SERVICE_DOWN", "0x8010001E"],
    ["No readers available", "ERR_NO_READERS", "0x8010002E"],
    ["Card was removed", "ERR_CARD_REMOVED", "0x80100069"],
    ["No smart card present", "ERR_CARD_REMOVED", "0x8010000C"],
    ["Card is unresponsive", "ERR_CARD_MUTE", "0x80100066"],
    ["Card is unpowered", "ERR_CARD_MUTE", "0x80100067"],
    ["Sharing violation", "ERR_READER_BUSY", "0x8010000B"],
    ["Communication error", "ERR_CARD_COMMUNICATION", "0x80100013"],
    ["Transaction failed", "ERR_CARD_COMMUNICATION", "0x80100016"],
    ["Unknown reader", "ERR_READER_NOT_FOUND", "0x80100009"],
    ["Reader unavailable", "ERR_READER_NOT_FOUND", "0x80100017"],
    ["Insufficient buffer", "ERR_PCSC_FAILURE", "0x80100008"],
    ["Internal error", "ERR_PCSC_FAILURE", "0x80100001"],
  ])("%s → %s (%s)", (message, code, pcscCode) => {
    const e = toBridgeError(new Error(message), { reader: "R", operation: "transmit" });
    expect(e).toBeInstanceOf(BridgeError);
    expect(e.code).toBe(code);
    expect(e.details?.pcscCode).toBe(pcscCode);
    expect(e.details?.reader).toBe("R");
  });

  it("uses numeric codes of smartcard's PCSCError subclasses", () => {
    const err = Object.assign(new Error("whatever"), { code: 0x8010000b });
    expect(scardCode(err)).toBe(0x8010000b);
    expect(toBridgeError(err).code).toBe("ERR_READER_BUSY");
  });

  it("maps the binding's own messages and unknown errors", () => {
    expect(toBridgeError(new Error("Card is not connected")).code).toBe("ERR_CARD_REMOVED");
    expect(toBridgeError(new Error("Context is not valid")).code).toBe("ERR_PCSC_SERVICE_DOWN");
    const other = toBridgeError(new Error("boom"));
    expect(other.code).toBe("ERR_PCSC_FAILURE");
    expect(other.details?.pcscCode).toBeNull();
    expect(toBridgeError("string").code).toBe("ERR_PCSC_FAILURE");
  });

  it("passes BridgeErrors through and reports everything as down when the service is known down", () => {
    const b = new BridgeError("ERR_PIN_BLOCKED");
    expect(toBridgeError(b)).toBe(b);
    expect(toBridgeError(new Error("Card was removed"), { serviceDown: true }).code).toBe("ERR_PCSC_SERVICE_DOWN");
  });

  it("knows which failures mean the service is gone", () => {
    expect(isServiceLoss(new Error("PC/SC service not running"))).toBe(true);
    expect(isServiceLoss(new Error("Communication error"))).toBe(true);
    expect(isServiceLoss(new Error("Invalid handle"))).toBe(true);
    expect(isServiceLoss(new Error("Card was removed"))).toBe(false);
  });
});
