/**
 * readers.usb: a USB card reader present but not seen by PC/SC — a SESAM-Vitale reader left in its proprietary
 * PSS/GALSS mode or a reader without driver (research/cps-card.md §5.3). Source: the OS's USB device list
 * (DiagContext.usbDevices: Linux sysfs; Windows/macOS not read yet → ok with `usbListAvailable: false`).
 */

import type { AgentCheck, CheckOutcome } from "../check";
import type { UsbDevice } from "../context";

/** USB ids of SESAM-Vitale readers that speak their own protocol unless switched to PC/SC (cps-card.md §5.3;
 * Ingenico 0B00:0090 is [C]; the vendor-only match for 0b00 is [I], tolerated as a plausible variant). */
const SESAM_VITALE_VENDORS: Record<string, string> = { "0b00": "Ingenico (lecteur SESAM-Vitale)" };

export function isCardReader(d: UsbDevice): boolean {
  return d.interfaceClasses.includes("0b") || d.vendorId in SESAM_VITALE_VENDORS;
}

export function describe(d: UsbDevice): string {
  const name = d.product ?? SESAM_VITALE_VENDORS[d.vendorId] ?? "lecteur USB";
  return `${name} ${d.vendorId.toUpperCase()}:${d.productId.toUpperCase()}`;
}

export const readersUsb: AgentCheck = {
  id: "readers.usb",
  dependsOn: ["pcsc.service"],
  codes: ["DIAG_USB_OK", "DIAG_USB_READER_NOT_PCSC"],
  summary: "When PC/SC lists no reader, is a USB smart-card reader plugged in all the same?",
  async run(ctx): Promise<CheckOutcome> {
    const pcscReaders = ctx.cards.readers().length;
    const devices = (await ctx.usbDevices()).filter(isCardReader);
    const facts = { pcscReaders, usbCardReaders: devices.map(describe) };
    if (pcscReaders === 0 && devices.length > 0) {
      return {
        verdict: "failed",
        code: "DIAG_USB_READER_NOT_PCSC",
        params: { device: devices.map(describe).join(", ") },
        facts,
      };
    }
    return { verdict: "ok", code: "DIAG_USB_OK", facts };
  },
};
