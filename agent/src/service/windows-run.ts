/**
 * Windows: a per-user logon start, the value `cps-bridge` under
 * `HKCU\Software\Microsoft\Windows\CurrentVersion\Run` (no administrator right, per user, as on a terminal server).
 * Explorer runs it at each logon of that user.
 *
 * The executable is a console program (a Node SEA); started as it is, it would open a console window at every
 * logon. The value runs it through `conhost.exe --headless`, which gives it a console nobody sees. [U] `--headless`
 * is how Windows Terminal starts console hosts without a window (Windows 10 1809+), undocumented for users; the
 * plausible variant where it is missing shows a console window, which still works (docs/agent.md §1 gives the manual
 * check). Not run here (no Windows): the value and the reg.exe arguments are tested as text.
 */
import type { ServiceDefinition } from "./service-definition";

export const RUN_KEY = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run";
export const RUN_VALUE_NAME = "cps-bridge";

/** A command-line word as CommandLineToArgvW reads it (quotes, with backslashes before a quote doubled). */
export function windowsQuote(arg: string): string {
  if (arg !== "" && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, "$1$1")}"`;
}

export function windowsRunValue(def: ServiceDefinition, systemRoot = "C:\\Windows"): string {
  const conhost = `${systemRoot}\\System32\\conhost.exe`;
  return [windowsQuote(conhost), "--headless", ...def.argv.map(windowsQuote)].join(" ");
}

/** `reg.exe` arguments that write the value (`/f`: replace a previous install's). */
export function regAddArgs(value: string): string[] {
  return ["add", RUN_KEY, "/v", RUN_VALUE_NAME, "/t", "REG_SZ", "/d", value, "/f"];
}

export function regDeleteArgs(): string[] {
  return ["delete", RUN_KEY, "/v", RUN_VALUE_NAME, "/f"];
}

export function regQueryArgs(): string[] {
  return ["query", RUN_KEY, "/v", RUN_VALUE_NAME];
}
