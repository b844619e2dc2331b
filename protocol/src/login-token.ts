/**
 * The cps-bridge login token (Web eID scheme, anchors.md §1.3–1.4): the builder side (login-token-format.ts, pure
 * WebCrypto, used by the agent and the extension) and the portal-side verifier (login-token-verify.ts, adds
 * @peculiar/x509). Import this file on servers; the extension imports login-token-format directly to keep x509 out
 * of its bundle.
 */
export * from "./login-token-format";
export * from "./login-token-verify";
