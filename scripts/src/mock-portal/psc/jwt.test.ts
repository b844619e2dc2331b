import { describe, expect, it } from "vitest";
import { verifyWithJwks } from "../routes/auth-psc";
import { JwtError, newSigningKey, publicJwk, signJwt, verifyJwt } from "./jwt";

describe("RS256 JWT of the fake PSC", () => {
  const key = newSigningKey();

  it("signs and verifies, locally and through the JWKS", () => {
    const t = signJwt({ sub: "899700218896", acr: "eidas1" }, key);
    expect(verifyJwt(t, key)).toEqual({ sub: "899700218896", acr: "eidas1" });
    expect(verifyWithJwks(t, { keys: [publicJwk(key)] })).toEqual({ sub: "899700218896", acr: "eidas1" });
  });

  it("refuses a changed payload, alg none, another key", () => {
    const t = signJwt({ sub: "1" }, key);
    const [h, , s] = t.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: "2" })).toString("base64url")}.${s}`;
    expect(() => verifyJwt(forged, key)).toThrow(JwtError);
    expect(() => verifyWithJwks(forged, { keys: [publicJwk(key)] })).toThrow();
    const none = `${Buffer.from(JSON.stringify({ alg: "none", kid: key.kid })).toString("base64url")}.${Buffer.from("{}").toString("base64url")}.`;
    expect(() => verifyJwt(none, key)).toThrow(JwtError);
    expect(() => verifyWithJwks(none, { keys: [publicJwk(key)] })).toThrow();
    const other = newSigningKey();
    expect(() => verifyJwt(signJwt({ sub: "1" }, other), key)).toThrow(JwtError);
    expect(() => verifyWithJwks(signJwt({ sub: "1" }, other), { keys: [publicJwk(key)] })).toThrow();
  });
});
