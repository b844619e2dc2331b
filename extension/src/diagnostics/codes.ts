/** The browser checks' DIAG_* codes live in protocol (the one contract); importing this registers them. */
import "@cps-bridge/protocol/diagnostics/browser-codes";

export { BROWSER_DIAG_CODES } from "@cps-bridge/protocol/diagnostics/browser-codes";
