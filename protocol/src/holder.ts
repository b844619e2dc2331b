/**
 * Reads the card holder from a CPS authentication certificate subject (shared/research/cps-card.md §3.2):
 *   CPS (current):   `CN=<PS_IdNat>+SN=<nom>+GN=<prénom>, T=<profession>, C=FR`  (multi-valued first RDN)
 *   seen in parsers: `CN=…, G=…, SN=…, T=Médecin, C=FR` (separate RDNs, any order; `title` = `T` = 2.5.4.12)
 *   old ADELI cards: `GN=…+SN=…+CN=00B7010446, OU=Masseur-Kinésithérapeute, O=…, C=FR` (profession in OU, no T)
 *   CPA:             `GN=…+SN=…+CN=500000000029751/CPAT0001, OU=300000000029751, L=…, O=…, C=FR`
 *   CPE (non-nominative): `…, O=<structure>, OU=<FINESS…>, T=Carte de service…, pseudonym=EMPLOYE…, CN=3760021832/000000018`
 * Attributes are read by OID wherever they sit in the Name, so RDN order and multi-valued vs separate RDNs do not
 * matter. Pure: no Node-only API (bundled by the extension too).
 */
import { BridgeError } from "./errors";
import type { CardKind, Holder, IdType } from "./model";
import type { X509Certificate } from "./x509";
import { Name } from "./x509";

/** X.520 attribute types used by IGC-Santé card certificates. */
export const NAME_OIDS = {
  commonName: "2.5.4.3",
  surname: "2.5.4.4",
  givenName: "2.5.4.42",
  title: "2.5.4.12",
  organizationalUnit: "2.5.4.11",
  organization: "2.5.4.10",
  pseudonym: "2.5.4.65",
} as const;

/** Longest national identifier we accept (structure ids: 1+14 digits, "/", a local id of a few tens of chars). */
const MAX_NATIONAL_ID = 64;
/** Longest name / profession string we carry (X.520 ub-name is 32768; real values are far shorter). */
const MAX_TEXT = 256;

/**
 * PS_IdNat of a person: `8` + RPPS (11 digits) or `0` + ADELI (9 characters; ADELI numbers can carry letters, e.g.
 * Corsica `2A`/`2B` and the test card `00B7010446`, cps-card.md §3.2) [C].
 */
const RPPS_ID = /^8\d{11}$/;
const ADELI_ID = /^0[0-9A-Z]{9}$/;
/**
 * Structure card: `<type digit><structure id>/<local id>` (1 cabinet ADELI, 3 FINESS, 4 SIREN, 5 SIRET, 6 cabinet
 * RPPS, PSIdNat.fsh via cps-card.md §3.2) [C]. A structure id without `/` is tolerated (the local id part is [U]).
 */
const STRUCTURE_ID = /^[1-6][0-9A-Za-z]{1,30}(\/[0-9A-Za-z._-]{1,32})?$/;

/**
 * [U] How to tell a CPF (professional in training) from a CPS, and a CPA from a CPE, is not documented publicly
 * (cps-card.md §7 point 4). The rules below use the only evidence in the research: training titles for CPF
 * ("Étudiant…", "Interne…", "… en formation"), and the CPA example's local id `CPAT0001` / an "autorisé" title for
 * CPA. Everything else on a structure card is a CPE; everything else on a personal card is a CPS.
 */
const TRAINING_TITLE = /(^|\s)(étudiant|etudiant|interne)|en formation/i;
const CPA_LOCAL_ID = /^CPA/i;
const CPA_TITLE = /autoris[ée]/i;

function firstValue(name: Name, oid: string): string | undefined {
  for (const raw of name.getField(oid)) {
    const value = raw.trim();
    if (value !== "") return value;
  }
  return undefined;
}

function invalid(reason: string): BridgeError {
  return new BridgeError("ERR_CARD_DATA_INVALID", `Unreadable certificate subject: ${reason}`, { reason });
}

function bounded(value: string | undefined, field: string): string {
  if (value === undefined) return "";
  if (value.length > MAX_TEXT) throw invalid(`${field} too long`);
  return value;
}

/** Classifies a PS_IdNat; undefined when it matches no known shape. */
export function idTypeOf(nationalId: string): IdType | undefined {
  if (nationalId.includes("/")) return STRUCTURE_ID.test(nationalId) ? "structure" : undefined;
  if (RPPS_ID.test(nationalId)) return "RPPS";
  if (ADELI_ID.test(nationalId)) return "ADELI";
  if (STRUCTURE_ID.test(nationalId)) return "structure";
  return undefined;
}

/**
 * The profession: `T` (title) first; old ADELI certificates put it in `OU` instead (cps-card.md §3.2). Structure
 * OUs are identifiers (digits, FINESS numbers), never professions, so an OU made only of digits is skipped.
 */
function professionOf(name: Name): string | undefined {
  const title = firstValue(name, NAME_OIDS.title);
  if (title !== undefined) return title;
  for (const raw of name.getField(NAME_OIDS.organizationalUnit)) {
    const ou = raw.trim();
    if (ou !== "" && !/^[\d\s]+$/.test(ou) && !/^FINESS/i.test(ou)) return ou;
  }
  return undefined;
}

function kindOf(idType: IdType, nationalId: string, profession: string): CardKind {
  if (idType === "structure") {
    const localId = nationalId.split("/")[1] ?? "";
    return CPA_LOCAL_ID.test(localId) || CPA_TITLE.test(profession) ? "CPA" : "CPE";
  }
  return TRAINING_TITLE.test(profession) ? "CPF" : "CPS";
}

/** Parses a subject Name (DER bytes, an x509 `Name`, or its string form) into a Holder. */
export function holderFromName(subject: Name | BufferSource | string): Holder {
  let name: Name;
  try {
    name = subject instanceof Name ? subject : new Name(subject);
  } catch (cause) {
    throw new BridgeError("ERR_CARD_DATA_INVALID", "Certificate subject does not parse", { reason: "name" }, { cause });
  }
  const cns = name.getField(NAME_OIDS.commonName).map((s) => s.trim());
  const nationalId = cns.find((cn) => idTypeOf(cn) !== undefined);
  if (nationalId === undefined) throw invalid(cns.length === 0 ? "no CN" : "CN is not a PS_IdNat");
  if (nationalId.length > MAX_NATIONAL_ID) throw invalid("CN too long");
  const idType = idTypeOf(nationalId)!;

  const surnameRaw = firstValue(name, NAME_OIDS.surname);
  const givenNameRaw = firstValue(name, NAME_OIDS.givenName);
  // A personal card always names its holder; a non-nominative CPE carries a pseudonym instead (cps-card.md §3.2).
  if (idType !== "structure" && surnameRaw === undefined) throw invalid("no SN on a personal card");
  const surname = bounded(surnameRaw ?? firstValue(name, NAME_OIDS.pseudonym), "SN");
  const givenName = bounded(givenNameRaw, "GN");
  const profession = bounded(professionOf(name), "T");

  return { nationalId, idType, surname, givenName, profession, kind: kindOf(idType, nationalId, profession) };
}

/**
 * The holder of a CPS authentication certificate. Throws `ERR_CARD_DATA_INVALID` (with `details.reason`) when the
 * subject has no readable PS_IdNat, or a personal card has no surname.
 */
export function holderFromCertificate(cert: X509Certificate): Holder {
  return holderFromName(cert.subjectName);
}
