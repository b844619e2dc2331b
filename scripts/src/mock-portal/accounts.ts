/**
 * Médecin libéral accounts of the mock. A card holder, an e-CPS user and a password user are matched to an account
 * by national identifier (PS_IdNat: `8`+RPPS, or `0`+ADELI; viatrajectoire.md §2.2 [V]). The guide says the login
 * identifier "correspond à @ suivi de votre N°RPPS, ou 0 suivi de votre N°Adeli" [B]: "@" is most likely the "8" of
 * PS_IdNat misprinted, so the username is the national id; the bare RPPS is accepted too (a plausible variant).
 * All identities are fictitious.
 */
import { scryptSync, timingSafeEqual } from "node:crypto";

export interface MockAccountInput {
  /** PS_IdNat, e.g. `899700218896`. */
  nationalId: string;
  civilite?: "Dr" | "Pr";
  surname: string;
  givenName: string;
  /** The address the OTP mails go to. */
  email: string;
  /** `undefined`: no password yet; the guide says the password login exists only after a first CPS/e-CPS login. */
  password?: string;
  /** Optional delegation shown in the header banner. */
  delegation?: { colleague: string; until: string };
}

export interface MockAccount {
  readonly id: string;
  readonly nationalId: string;
  readonly rpps: string | undefined;
  readonly adeli: string | undefined;
  readonly civilite: "Dr" | "Pr";
  readonly surname: string;
  readonly givenName: string;
  email: string;
  passwordHash: Buffer | undefined;
  delegation?: { colleague: string; until: string };
  /** "Réception des mails" in Mon compte (off by default, viatrajectoire.md §0 [V for pro accounts]). */
  receptionMails: boolean;
}

/**
 * The default doctors. The first is the one the password + OTP tests use; his national id is the test PS_IdNat seen
 * in an ANS PSC sample (cps-card.md §4.3). The next two are the test bench's default card holders
 * (scripts/src/testbed/profiles.ts DEFAULT_HOLDERS, kept equal by accounts.test.ts), so a virtual CPS3 or CPS4 logs
 * in without configuration; the CPS4 holder has no password yet (the guide's "first login by card" rule).
 * The test bench's CPE (a structure card) has no account on purpose: its login must be refused clearly.
 */
export const DEFAULT_ACCOUNTS: MockAccountInput[] = [
  {
    nationalId: "899700218896",
    civilite: "Dr",
    surname: "TESTMEDECIN",
    givenName: "Camille",
    email: "cps@test.local",
    password: "Motdepasse-Test-2025",
  },
  {
    nationalId: "899700123456",
    civilite: "Dr",
    surname: "TESTCPS",
    givenName: "Alice",
    email: "cps3@test.local",
    password: "Motdepasse-Test-2025",
  },
  {
    nationalId: "899700654321",
    civilite: "Dr",
    surname: "TESTCPSQUATRE",
    givenName: "Bernard",
    email: "cps4@test.local",
  },
];

const SALT = Buffer.from("cps-bridge-mock-portal");

function hash(password: string): Buffer {
  return scryptSync(password, SALT, 32);
}

export function makeAccount(input: MockAccountInput): MockAccount {
  const id = input.nationalId;
  const rpps = id.startsWith("8") && id.length === 12 ? id.slice(1) : undefined;
  const adeli = id.startsWith("0") && id.length === 10 ? id.slice(1) : undefined;
  return {
    id,
    nationalId: id,
    rpps,
    adeli,
    civilite: input.civilite ?? "Dr",
    surname: input.surname,
    givenName: input.givenName,
    email: input.email,
    passwordHash: input.password === undefined ? undefined : hash(input.password),
    ...(input.delegation ? { delegation: input.delegation } : {}),
    receptionMails: false,
  };
}

export class AccountStore {
  private readonly byId = new Map<string, MockAccount>();

  constructor(inputs: MockAccountInput[]) {
    for (const a of inputs) this.add(a);
  }

  add(input: MockAccountInput): MockAccount {
    const a = makeAccount(input);
    this.byId.set(a.id, a);
    return a;
  }

  get(id: string): MockAccount | undefined {
    return this.byId.get(id);
  }

  byNationalId(nationalId: string): MockAccount | undefined {
    return this.byId.get(nationalId);
  }

  /** The username typed on Login.aspx: the national id, or the bare RPPS / ADELI. */
  byUsername(username: string): MockAccount | undefined {
    const u = username.trim().replace(/^@/, "8");
    return this.byId.get(u) ?? [...this.byId.values()].find((a) => a.rpps === u || a.adeli === u);
  }

  checkPassword(a: MockAccount, password: string): boolean {
    if (!a.passwordHash) return false;
    const h = hash(password);
    return h.length === a.passwordHash.length && timingSafeEqual(h, a.passwordHash);
  }

  list(): MockAccount[] {
    return [...this.byId.values()];
  }
}

/** "dr.x@test.local" → "d***@***.local", as OTP pages usually show the address [G]. */
export function maskEmail(email: string): string {
  const at = email.indexOf("@");
  if (at < 1) return "***";
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  return `${email[0]}***@***${dot >= 0 ? domain.slice(dot) : ""}`;
}
