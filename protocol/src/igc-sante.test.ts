import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  IGC_SANTE_CAS,
  type IgcSanteCa,
  igcSanteCaOf,
  igcSanteNameKind,
  normaliseFingerprint,
  selectIgcSanteAnchors,
  sha1Fingerprint,
} from "./igc-sante";
import { igcName, issue } from "./test-support/pki";

describe("IGC-Santé CA data (cps-card.md §3.1)", { timeout: 30_000 }, () => {
  it("lists 3 roots and 6 intermediates with 20-byte SHA-1 fingerprints, all distinct", () => {
    expect(IGC_SANTE_CAS.filter((c) => c.kind === "root").map((c) => c.level)).toEqual([
      "ELEMENTAIRE",
      "STANDARD",
      "FORT",
    ]);
    expect(IGC_SANTE_CAS.filter((c) => c.kind === "intermediate")).toHaveLength(6);
    for (const c of IGC_SANTE_CAS) expect(c.sha1).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(new Set(IGC_SANTE_CAS.map((c) => c.sha1)).size).toBe(9);
    expect(IGC_SANTE_CAS.find((c) => c.commonName === "AC IGC-SANTE FORT PERSONNES")?.sha1).toBe(
      "AA:61:31:E7:60:B9:56:22:C0:F4:C2:AA:9D:98:50:02:C2:1F:3A:0C",
    );
  });

  it("normalises fingerprint spellings", () => {
    expect(normaliseFingerprint("AA:61:31")).toBe("aa6131");
    expect(normaliseFingerprint("aa 61 31")).toBe("aa6131");
  });

  it("recognises a CA by the exact SHA-1 of its DER, never by its name", async () => {
    const lookalike = await issue({ subject: igcName("AC IGC-SANTE FORT PERSONNES"), ca: true });
    expect(await igcSanteCaOf(lookalike.cert)).toBeUndefined();
    expect(await selectIgcSanteAnchors([lookalike.cert])).toEqual([]);
    const fp = await sha1Fingerprint(lookalike.cert);
    expect(fp).toBe(createHash("sha1").update(Buffer.from(lookalike.cert.rawData)).digest("hex"));
    // With a table holding that fingerprint (as the production table holds the real CAs'), it is recognised.
    const table: IgcSanteCa[] = [{ ...IGC_SANTE_CAS[7]!, sha1: fp.toUpperCase().replace(/(..)(?!$)/g, "$1:") }];
    expect((await igcSanteCaOf(lookalike.cert, table))?.commonName).toBe("AC IGC-SANTE FORT PERSONNES");
    expect(await selectIgcSanteAnchors([lookalike.cert], table)).toHaveLength(1);
  });

  it("tells production-looking and test-looking issuer names apart (diagnostics only)", () => {
    expect(igcSanteNameKind(igcName("AC IGC-SANTE FORT PERSONNES"))).toBe("production");
    expect(igcSanteNameKind(igcName("TEST AC IGC-SANTE FORT PERSONNES"))).toBe("test");
    expect(igcSanteNameKind("CN=Let's Encrypt R3, O=Let's Encrypt, C=US")).toBeUndefined();
  });
});
