/**
 * What a check may look at, all injectable so that tests point the checks at a fake file tree, a fake USB list, a
 * skewed clock or a closed port — and the real run reads the real machine. Built by `createDiagContext`.
 */
import { readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ReaderStatus } from "@cps-bridge/protocol/model";
import type { CardService } from "../card-service";
import type { Logger } from "../log";

export type DiagOs = "linux" | "win32" | "darwin" | (string & {});

export interface UsbDevice {
  /** 4 hex digits, lower case */
  vendorId: string;
  productId: string;
  product?: string;
  manufacturer?: string;
  /** USB interface classes of the device, e.g. ["0b"] for a CCID smart-card reader */
  interfaceClasses: string[];
}

export interface AgentRunningInfo {
  running: boolean;
  port?: number;
  pid?: number;
}

export interface DiagContext {
  os: DiagOs;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /** Prefix of every absolute OS path a check reads ("/" on the real machine; a temp tree in tests). */
  fsRoot: string;
  now(): Date;
  /** The OS's USB device list (Linux: /sys/bus/usb/devices under fsRoot). */
  usbDevices(): Promise<UsbDevice[]>;
  /** The card layer (the agent's own service when run inside the agent; a fresh one in `cps-bridge diagnose`). */
  cards: CardService;
  /** The reader statuses the card checks look at, read once per run (cached by `cardsOnce`). */
  readerStatuses(): Promise<ReaderStatus[]>;
  agentRunning(): Promise<AgentRunningInfo>;
  /** https://… origin of the portal (clock and reachability); undefined: those checks say what to configure. */
  portalOrigin?: string;
  fetch: typeof fetch;
  testMode: boolean;
  revocation: { enabled: boolean; crlUrls?: readonly string[] };
  agentVersion: string;
  log: Logger;
}

/** Reads a Linux sysfs USB tree: /sys/bus/usb/devices/<dev>/{idVendor,idProduct,product,manufacturer} and the
 * bInterfaceClass of its interfaces (<dev>:<cfg>.<if>/bInterfaceClass). Missing tree → empty list. */
export async function linuxUsbDevices(fsRoot: string): Promise<UsbDevice[]> {
  const base = join(fsRoot, "sys/bus/usb/devices");
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return [];
  }
  const read = async (p: string) => {
    try {
      return (await readFile(join(base, p), "utf8")).trim();
    } catch {
      return undefined;
    }
  };
  const out: UsbDevice[] = [];
  for (const n of names.filter((x) => !x.includes(":"))) {
    const vendorId = await read(`${n}/idVendor`);
    const productId = await read(`${n}/idProduct`);
    if (!vendorId || !productId) continue;
    const classes = new Set<string>();
    const devClass = await read(`${n}/bDeviceClass`);
    if (devClass && devClass !== "00") classes.add(devClass.toLowerCase());
    for (const i of names.filter((x) => x.startsWith(`${n}:`))) {
      const c = await read(`${i}/bInterfaceClass`);
      if (c) classes.add(c.toLowerCase());
    }
    const product = await read(`${n}/product`);
    const manufacturer = await read(`${n}/manufacturer`);
    out.push({
      vendorId: vendorId.toLowerCase(),
      productId: productId.toLowerCase(),
      ...(product ? { product } : {}),
      ...(manufacturer ? { manufacturer } : {}),
      interfaceClasses: [...classes],
    });
  }
  return out;
}

export interface CreateDiagContextOptions {
  cards: CardService;
  log: Logger;
  agentVersion: string;
  agentRunning: () => Promise<AgentRunningInfo>;
  portalOrigin?: string;
  testMode?: boolean;
  revocation?: { enabled: boolean; crlUrls?: readonly string[] };
  fsRoot?: string;
  now?: () => Date;
  usbDevices?: () => Promise<UsbDevice[]>;
  fetch?: typeof fetch;
  os?: DiagOs;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
}

export function createDiagContext(o: CreateDiagContextOptions): DiagContext {
  const fsRoot = o.fsRoot ?? "/";
  const os = o.os ?? process.platform;
  let statuses: Promise<ReaderStatus[]> | undefined;
  return {
    os,
    env: o.env ?? process.env,
    homeDir: o.homeDir ?? homedir(),
    fsRoot,
    now: o.now ?? (() => new Date()),
    // Windows (SetupAPI) and macOS (IOKit) USB lists need native calls: not read there yet (docs/diagnostics.md).
    usbDevices: o.usbDevices ?? (() => (os === "linux" ? linuxUsbDevices(fsRoot) : Promise.resolve([]))),
    cards: o.cards,
    readerStatuses: () => {
      statuses ??= (async () => {
        const out: ReaderStatus[] = [];
        for (const r of o.cards.readers()) {
          try {
            out.push(await o.cards.cardStatus({ reader: r.name }));
          } catch (e) {
            out.push({ ...r, errorCode: (e as { code?: string }).code ?? "ERR_INTERNAL" });
          }
        }
        return out;
      })();
      return statuses;
    },
    agentRunning: o.agentRunning,
    ...(o.portalOrigin ? { portalOrigin: o.portalOrigin } : {}),
    fetch: o.fetch ?? fetch,
    testMode: o.testMode ?? false,
    revocation: o.revocation ?? { enabled: false },
    agentVersion: o.agentVersion,
    log: o.log,
  };
}
