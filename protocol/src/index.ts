/**
 * Public API of @cps-bridge/protocol. Every file is also importable on its own (`@cps-bridge/protocol/envelope`);
 * the extension should import files directly to keep @peculiar/x509 out of bundles that do not need it
 * (x509 is used by holder, certificate-summary, igc-sante and login-token-verify only).
 */
export * from "./auth-transcript";
export * from "./base64";
export * from "./capabilities";
export * from "./card-labels";
export * from "./certificate-summary";
export * from "./envelope";
export * from "./errors";
export * from "./events";
export * from "./extension-ids";
export * from "./holder";
export * from "./igc-sante";
export * from "./limits";
export * from "./login-token";
export * from "./methods/index";
export * from "./model";
export * from "./otp/rules";
export * from "./status-words";
export * from "./version";
