import { describe, expect, it } from "vitest";
import { OTP_SENDER, otpHtml, otpSubject, otpText } from "./otp-mail";
import { buildMail, encodeHeaderWord, encodeQuotedPrintable, rfc5322Date } from "./rfc5322";

/** RFC 2045 §6.7 decoding, written independently of the encoder. */
function decodeQp(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r\n/g, "");
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "=") {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes).toString("utf8").replace(/\r\n/g, "\n");
}

describe("quoted-printable", () => {
  it("round-trips French text, keeps lines ≤ 76 characters, 7-bit, CRLF", () => {
    const text = `${"é".repeat(60)} fin\nLigne deux = égal\ttab \n${"x".repeat(200)}\n`;
    const qp = encodeQuotedPrintable(text);
    expect(decodeQp(qp)).toBe(text);
    for (const line of qp.split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
    expect(/^[\x20-\x7e\t\r\n]*$/.test(qp)).toBe(true);
    expect(qp).not.toMatch(/[^\r]\n/);
    expect(qp).toContain("=3D"); // a literal "=" is escaped
    expect(qp).toMatch(/tab=20\r\n/); // trailing space is escaped
  });
});

describe("headers", () => {
  it("encodes non-ASCII subjects as RFC 2047 words and leaves ASCII alone", () => {
    expect(encodeHeaderWord("[ViaTrajectoire] Connexion OTP")).toBe("[ViaTrajectoire] Connexion OTP");
    expect(encodeHeaderWord("Réponse")).toBe(`=?UTF-8?B?${Buffer.from("Réponse").toString("base64")}?=`);
  });
  it("writes RFC 5322 dates", () => {
    expect(rfc5322Date(new Date("2025-05-06T09:05:03Z"))).toBe("Tue, 06 May 2025 09:05:03 +0000");
  });
});

describe("the OTP mail (guide excerpt)", () => {
  it("has the guide's sender, subject and body, as a MIME multipart/alternative message", () => {
    const { raw, messageId } = buildMail({
      from: OTP_SENDER,
      to: "cps@test.local",
      subject: otpSubject("ViaTrajectoire"),
      date: new Date("2025-05-06T09:05:03Z"),
      text: otpText("042642", 10, "ViaTrajectoire"),
      html: otpHtml("042642", 10, "ViaTrajectoire"),
      messageIdDomain: "sante-ra.fr",
    });
    const [head, ...rest] = raw.split("\r\n\r\n");
    expect(head).toContain("\r\nFrom: no_reply.trajectoire@sante-ra.fr\r\n");
    expect(head).toContain("\r\nTo: cps@test.local\r\n");
    expect(head).toContain("\r\nSubject: [ViaTrajectoire] Connexion OTP\r\n");
    expect(head).toContain("\r\nDate: Tue, 06 May 2025 09:05:03 +0000\r\n");
    expect(head).toContain(`\r\nMessage-ID: ${messageId}\r\n`);
    expect(messageId).toMatch(/^<[^@\s]+@sante-ra\.fr>$/);
    expect(head).toMatch(/Content-Type: multipart\/alternative; boundary="([^"]+)"/);
    const boundary = /boundary="([^"]+)"/.exec(head!)![1]!;
    const body = rest.join("\r\n\r\n");
    const parts = body.split(`--${boundary}`);
    expect(parts.at(-1)!.startsWith("--")).toBe(true);
    const plain = parts.find((p) => p.includes("text/plain"))!;
    // The CRLF before a boundary delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    const decoded = decodeQp(plain.split("\r\n\r\n").slice(1).join("\r\n\r\n").replace(/\r\n$/, ""));
    expect(decoded).toBe(
      [
        "Madame, Monsieur,",
        "",
        "Suite à votre demande de connexion OTP, veuillez trouver ci-dessous le code vous permettant de vous connecter.",
        "",
        "Votre code OTP : 042642",
        "",
        "Attention: Ce code n'est valable que pour une durée de 10 minutes.",
        "[Ce message est généré automatiquement par le logiciel ViaTrajectoire, veuillez ne pas y répondre.]",
        "",
      ].join("\n"),
    );
    const htmlPart = decodeQp(
      parts
        .find((p) => p.includes("text/html"))!
        .split("\r\n\r\n")
        .slice(1)
        .join("\r\n\r\n"),
    );
    expect(htmlPart).toContain("Votre code OTP : <b>042642</b>");
    expect(/^[\x20-\x7e\r\n\t]*$/.test(raw)).toBe(true);
  });

  it("reproduces the guide's training-instance wording when asked", () => {
    expect(otpSubject("ViaTrajectoire Formation")).toBe("[ViaTrajectoire Formation] Connexion OTP");
    expect(otpText("542642", 10, "ViaTrajectoire Formation")).toContain(
      "[Ce message est généré automatiquement par le logiciel ViaTrajectoire Formation, veuillez ne pas y répondre.]",
    );
  });
});
