/** Every agent-side check, one file each (checks/). Add a check: a new file + one line here. */
import type { AgentCheck } from "./check";
import { agentRunning } from "./checks/agent-running";
import { cardPresent } from "./checks/card-present";
import { cardType } from "./checks/card-type";
import { certChain } from "./checks/cert-chain";
import { certRevocation } from "./checks/cert-revocation";
import { certValidity } from "./checks/cert-validity";
import { clockSkew } from "./checks/clock-skew";
import { middlewareCache } from "./checks/middleware-cache";
import { middlewareInstalled } from "./checks/middleware-installed";
import { middlewareRegistered } from "./checks/middleware-registered";
import { middlewareToken } from "./checks/middleware-token";
import { middlewareVersion } from "./checks/middleware-version";
import { pcscService } from "./checks/pcsc-service";
import { pinStatus } from "./checks/pin-status";
import { portalReachable } from "./checks/portal-reachable";
import { readersUsb } from "./checks/readers-usb";
import { readersVisible } from "./checks/readers-visible";

export const AGENT_CHECKS: readonly AgentCheck[] = [
  agentRunning,
  pcscService,
  readersUsb,
  readersVisible,
  cardPresent,
  cardType,
  certValidity,
  certChain,
  certRevocation,
  pinStatus,
  middlewareInstalled,
  middlewareVersion,
  middlewareCache,
  middlewareRegistered,
  middlewareToken,
  clockSkew,
  portalReachable,
];
