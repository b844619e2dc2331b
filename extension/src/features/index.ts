/** The portal features, one file each (feature.ts). Adding one = a new file + one line here. */
import cpsFailureTakeover from "./cps-failure-takeover";
import cpsLoginPanel from "./cps-login-panel";
import cpsPreflight from "./cps-preflight";
import type { PortalFeature } from "./feature";
import loginMethodFocus from "./login-method-focus";
import otpFill from "./otp-fill";

export const FEATURES: readonly PortalFeature[] = [
  cpsLoginPanel,
  cpsPreflight,
  cpsFailureTakeover,
  loginMethodFocus,
  otpFill,
];
