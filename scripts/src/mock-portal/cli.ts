/**
 * `npx cps-mock-portal [options]`: starts the mock ViaTrajectoire portal and prints one JSON line when ready
 * ({ url, login, dashboard, mode, mailbox, admin }). Stops cleanly on SIGINT / SIGTERM.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import type { MockAccountInput } from "./accounts";
import { PATHS } from "./paths";
import { createMockPortal } from "./portal";

function int(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** `--account 899700218896:TESTMEDECIN:Camille:cps@test.local[:password]` (repeatable). */
function account(v: string, prev: MockAccountInput[] = []): MockAccountInput[] {
  const [nationalId, surname, givenName, email, ...pw] = v.split(":");
  if (!nationalId || !surname || !givenName || !email) {
    throw new InvalidArgumentError("expected <nationalId>:<SURNAME>:<GivenName>:<email>[:<password>]");
  }
  const password = pw.join(":");
  return [...prev, { nationalId, surname, givenName, email, ...(password ? { password } : {}) }];
}

const program = new Command()
  .name("cps-mock-portal")
  .description("Mock ViaTrajectoire portal (médecin libéral space) for cps-bridge tests: fictitious data only.")
  .option("--port <n>", "TCP port (0 = any free port)", int("--port", 0, 65535), 0)
  .option("--host <addr>", "listen address", "127.0.0.1")
  .addOption(
    new Option("--mode <mode>", "card login: cps-bridge tokens, or like today's portal (failure page)")
      .choices(["token", "real"])
      .default("token"),
  )
  .option("--mailbox-dir <dir>", "also deliver mails into this Maildir (tmp/ → new/), e.g. dovecot's")
  .option("--mail-delay <ms>", "delay before a mail is delivered", int("--mail-delay", 0, 3_600_000), 0)
  .option("--test-anchors <file>", "PEM file of CA certificates trusted for tokens (default: the test bench PKI)")
  .option("--session-idle <minutes>", "sliding session expiry", int("--session-idle", 1, 1440), 30)
  .option("--otp-validity <minutes>", "validity of the e-mailed code", int("--otp-validity", 1, 60), 10)
  .option("--seed <n>", "seed of the fake data set", int("--seed", 0, 2 ** 31 - 1))
  .option("--now <iso>", "start the mock clock at this date")
  .option(
    "--instance <name>",
    'instance name in mails ("ViaTrajectoire" or "ViaTrajectoire Formation")',
    "ViaTrajectoire",
  )
  .option(
    "--account <spec>",
    "add an account <nationalId>:<SURNAME>:<GivenName>:<email>[:<password>] (repeatable)",
    account,
  )
  .option("--public-origin <origin>", "origin browsers use, when not http://<host>:<port>")
  .option(
    "--tls-port <n>",
    "real mode's TLS client-certificate card login on https://localhost:<n> (0 = any free port)",
    int("--tls-port", 0, 65535),
  )
  .option("--no-admin", "do not serve /__admin and /__mailbox")
  .option("--verbose", "log one line per request to stderr")
  .parse();

const o = program.opts<{
  port: number;
  host: string;
  mode: "token" | "real";
  mailboxDir?: string;
  mailDelay: number;
  testAnchors?: string;
  sessionIdle: number;
  otpValidity: number;
  seed?: number;
  now?: string;
  instance: string;
  account?: MockAccountInput[];
  publicOrigin?: string;
  tlsPort?: number;
  admin: boolean;
  verbose?: boolean;
}>();

if (o.now !== undefined && Number.isNaN(Date.parse(o.now))) program.error("--now must be an ISO date");
if (o.admin && !["127.0.0.1", "localhost", "::1"].includes(o.host)) {
  // The admin API has no authentication: fine on loopback, not on a network interface.
  process.stderr.write(
    `cps-mock-portal: warning: /__admin and /__mailbox are reachable on ${o.host} without authentication; add --no-admin\n`,
  );
}

const portal = createMockPortal({
  port: o.port,
  host: o.host,
  mode: o.mode,
  mailDelayMs: o.mailDelay,
  sessionIdleMinutes: o.sessionIdle,
  otpValidityMinutes: o.otpValidity,
  instanceName: o.instance,
  admin: o.admin,
  ...(o.mailboxDir ? { mailboxDir: o.mailboxDir } : {}),
  ...(o.testAnchors ? { testAnchorsFile: o.testAnchors } : {}),
  ...(o.seed !== undefined ? { seed: o.seed } : {}),
  ...(o.now ? { now: o.now } : {}),
  ...(o.account ? { extraAccounts: o.account } : {}),
  ...(o.publicOrigin ? { publicOrigin: o.publicOrigin } : {}),
  ...(o.tlsPort !== undefined ? { tlsPort: o.tlsPort } : {}),
  ...(o.verbose ? { log: (l: string) => process.stderr.write(`${l}\n`) } : {}),
});

try {
  const url = await portal.start();
  process.stdout.write(
    `${JSON.stringify({
      url,
      login: portal.urls.login,
      dashboard: portal.urls.dashboard,
      mode: o.mode,
      mailbox: { http: o.admin ? portal.urls.mailbox : null, maildir: o.mailboxDir ?? null },
      admin: o.admin
        ? {
            base: portal.urls.admin,
            endpoints: [
              "GET /__admin/state",
              "POST /__admin/clock/advance {minutes}",
              "GET /__admin/dossiers",
              "POST /__admin/dossiers",
              "PATCH /__admin/dossiers/:numero",
              "POST /__admin/dossiers/:numero/demandes",
              "POST /__admin/cps-mode {mode}",
              "POST /__admin/mail/delay {ms}",
              "GET /__admin/otp/last",
              "GET /__admin/sessions",
              "POST /__admin/reset",
            ],
          }
        : null,
      psc: `${url}${PATHS.psc}/.well-known/openid-configuration`,
      ...(portal.tls
        ? {
            tls: {
              url: portal.tls.url,
              login: `${portal.tls.url}${PATHS.loginCps}`,
              handshakeTest: `${portal.tls.url}/__diag/tls-client-auth`,
            },
          }
        : {}),
    })}\n`,
  );
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  process.stderr.write(
    err.code === "EADDRINUSE"
      ? `cps-mock-portal: port ${o.port} is already in use on ${o.host}; choose another with --port\n`
      : `cps-mock-portal: ${err.message}\n`,
  );
  process.exit(1);
}

const shutdown = () => {
  portal.stop().then(() => process.exit(0));
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
