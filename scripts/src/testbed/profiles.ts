/**
 * The card profiles of the test bench: `createCard(profile, options)` is the one entry point the rest of the test
 * bench (card host, CLI, programmatic API) uses to make a virtual card (cards/*.ts). Holder certificates come from
 * the machine's test PKI (pki.ts); the card's private keys are generated inside the card object and never leave it.
 * All default holders are clearly fake test values (RPPS numbers starting 99700…).
 */

import { createBankCard } from "./cards/bank";
import { createCnieCard } from "./cards/cnie";
import { Cps2terCard } from "./cards/cps2ter";
import { type CpxCardInput, createCps3Card, randomSerial } from "./cards/cps3";
import { createCps3ContactlessCard } from "./cards/cps3-contactless";
import { createCps4Card } from "./cards/cps4";
import { createMuteCard } from "./cards/mute";
import { createUnknownCard } from "./cards/unknown";
import {
  type CardCorruption,
  type CardOptions,
  type HolderOptions,
  PROFILES,
  type ProfileName,
  type VirtualCard,
} from "./cards/virtual-card";
import { createVitale1Card, createVitale2Card } from "./cards/vitale";
import type { HolderKind } from "./pki";
import { loadTestPki } from "./pki";

/** One line per profile, English, for `cps-testbed insert --help`. */
export const PROFILE_DESCRIPTIONS: Record<ProfileName, string> = {
  cps3: "CPS3 (IAS-ECC, T=0): Dr TESTCPS Alice, PIN 1234, 3 tries, auth + signature certificates",
  "cps3-blocked": "CPS3 whose PIN is blocked (0 tries left)",
  "cps3-last-try": "CPS3 with one PIN try left",
  "cps3-expired": "CPS3 whose certificates expired 30 days ago",
  "cps3-not-yet-valid": "CPS3 whose certificates become valid in 30 days",
  "cps3-contactless": "CPS3 contactless interface: no PIN, technical certificate only",
  cps4: "CPS4 (ChipDoc on logical channel 1, T=0/T=1 ATR, T=1 behaviour): Dr TESTCPSQUATRE Bernard",
  "cps4-t0": "CPS4 with the T=0-only ATR (61xx / GET RESPONSE behaviour)",
  cpe: "CPE (structure card, CN <structure id>/<local id>) built like a CPS3",
  cps2ter: "Legacy CPS2ter (class A0 only; ISO class 00 answers 6E00)",
  vitale2: "Carte Vitale 2 (patient card inserted by mistake; Vitale AIDs answer 9000, no data)",
  vitale1: "Carte Vitale 1 (pre-ISO class; every ISO command answers 6E00)",
  cnie: "French national identity card (CNIe 2021)",
  bank: "French bank card (CB/EMV ATR, no payment application)",
  mute: "A card that connects but never answers its ATR",
  unknown: "A card with an ATR in no table (SELECT of the CPS AIDs answers 6A82)",
};

/** Default holders (fake test identities; `8` + 11-digit test RPPS, or a structure id for the CPE). */
export const DEFAULT_HOLDERS = {
  cps3: { nationalId: "899700123456", surname: "TESTCPS", givenName: "ALICE", profession: "Médecin" },
  cps4: { nationalId: "899700654321", surname: "TESTCPSQUATRE", givenName: "BERNARD", profession: "Médecin" },
  /** CPE: CN `<structure id>/<local id>` (cps-card.md §3.2; `3` = FINESS-based structure id, fake). */
  cpe: {
    nationalId: "3990000001/000000042",
    surname: "TESTCPE",
    givenName: "CLAIRE",
    profession: "Secrétaire médicale",
  },
} as const satisfies Record<string, Required<HolderOptions>>;

/** The ANS test cards' PIN and unblock code (cps-card.md §2.4); never those of a real card. */
export const DEFAULT_PIN = "1234";
export const DEFAULT_PUK = "12345678";
export const MAX_TRIES = 3;

const DAY_MS = 86_400_000;
const CORRUPTIONS: readonly CardCorruption[] = ["certificate-der", "pkcs15-tlv", "serial-length"];

/** Bad options: a clear message naming the option (the CLI prints it). */
export class CardOptionsError extends Error {
  override readonly name = "CardOptionsError";
}

/** Makes the virtual card of a profile. CPx cards cost one or two RSA-2048 key generations (~0.1–0.3 s each). */
export async function createCard(profile: ProfileName, options: CardOptions = {}): Promise<VirtualCard> {
  if (!(PROFILES as readonly string[]).includes(profile)) {
    throw new CardOptionsError(`unknown profile ${JSON.stringify(profile)}; profiles: ${PROFILES.join(", ")}`);
  }
  switch (profile) {
    case "vitale2":
      return createVitale2Card();
    case "vitale1":
      return createVitale1Card();
    case "cnie":
      return createCnieCard();
    case "bank":
      return createBankCard();
    case "mute":
      return createMuteCard();
    case "unknown":
      return createUnknownCard();
    case "cps2ter":
      return new Cps2terCard();
    case "cps4":
    case "cps4-t0":
      return createCps4Card(await cpxInput(profile, options));
    case "cps3-contactless":
      return createCps3ContactlessCard(await cpxInput(profile, options));
    default:
      return createCps3Card(await cpxInput(profile, options));
  }
}

async function cpxInput(profile: ProfileName, options: CardOptions): Promise<CpxCardInput> {
  const defaults: Required<HolderOptions> =
    profile === "cpe" ? DEFAULT_HOLDERS.cpe : profile.startsWith("cps4") ? DEFAULT_HOLDERS.cps4 : DEFAULT_HOLDERS.cps3;
  const holder: Required<HolderOptions> = { ...defaults };
  for (const key of ["nationalId", "surname", "givenName", "profession"] as const) {
    const value = options.holder?.[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.trim() === "" || value.length > 64) {
      throw new CardOptionsError(`holder ${key} must be a non-empty text of at most 64 characters`);
    }
    holder[key] = value;
  }
  const pin = options.pin ?? DEFAULT_PIN;
  if (!/^\d{4,8}$/.test(pin)) throw new CardOptionsError("PIN must be 4 to 8 digits");
  const puk = options.puk ?? DEFAULT_PUK;
  if (!/^\d{8}$/.test(puk)) throw new CardOptionsError("PUK must be 8 digits");
  const profileTries = profile === "cps3-blocked" ? 0 : profile === "cps3-last-try" ? 1 : MAX_TRIES;
  const triesLeft = options.triesLeft ?? profileTries;
  if (!Number.isInteger(triesLeft) || triesLeft < 0 || triesLeft > 15) {
    throw new CardOptionsError("tries left must be an integer from 0 to 15");
  }
  const now = Date.now();
  let notBefore = options.notBefore;
  let notAfter = options.notAfter;
  if (profile === "cps3-expired") {
    notBefore ??= new Date(now - (3 * 365 + 30) * DAY_MS);
    notAfter ??= new Date(now - 30 * DAY_MS);
  } else if (profile === "cps3-not-yet-valid") {
    notBefore ??= new Date(now + 30 * DAY_MS);
    notAfter ??= new Date(now + (3 * 365 + 30) * DAY_MS);
  }
  for (const [name, date] of [
    ["notBefore", notBefore],
    ["notAfter", notAfter],
  ] as const) {
    if (date !== undefined && (!(date instanceof Date) || Number.isNaN(date.getTime()))) {
      throw new CardOptionsError(`${name} must be a valid date`);
    }
  }
  if (notBefore && notAfter && notAfter <= notBefore) throw new CardOptionsError("notAfter must be after notBefore");
  if (options.corrupt !== undefined && !CORRUPTIONS.includes(options.corrupt)) {
    throw new CardOptionsError(`corrupt must be one of ${CORRUPTIONS.join(", ")}`);
  }
  const serial = options.serial ?? randomSerial();
  if (!/^\d{10}$/.test(serial)) throw new CardOptionsError("serial must be 10 digits");
  const kind: HolderKind = profile === "cpe" ? "CPE" : "CPS";
  return {
    profile,
    holder,
    kind,
    pin,
    triesLeft,
    notBefore,
    notAfter,
    corrupt: options.corrupt,
    serial,
    pki: await loadTestPki(),
  };
}
