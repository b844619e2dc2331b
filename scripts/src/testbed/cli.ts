/**
 * `cps-testbed`: virtual CPS / Vitale cards behind the real pcscd, from the shell (docs/testbed.md).
 *
 *   npx cps-testbed up                    # pcscd (unless one serves) + the card daemon; prints one JSON line
 *   npx cps-testbed insert 0 cps3         # a CPS3 in reader 0
 *   npx cps-testbed list
 *   npx cps-testbed remove 0
 *   npx cps-testbed down                  # stops only what `up` started
 *
 * Output: one JSON line on stdout per command. Errors: `cps-testbed: <message>` and the fix on stderr; exit code 2
 * for bad input (unknown profile, reader or option), 1 for everything else (nothing running, package missing,
 * port in use, pcscd conflict…).
 */
import { Command, CommanderError, Option } from "commander";
import type { ReaderListing } from "./card-host";
import { PROFILES, type ProfileName } from "./cards/virtual-card";
import { liveDaemon, type RemoteInsertOptions, startDaemon, stopDaemon, TestbedClient } from "./client";
import { checkVpcdDriver, pcscdBinary, TestbedError, type TestbedErrorCode } from "./pcscd";
import { testbedStateDir } from "./pki";
import { PROFILE_DESCRIPTIONS } from "./profiles";

const BAD_INPUT: readonly TestbedErrorCode[] = [
  "ERR_TESTBED_UNKNOWN_PROFILE",
  "ERR_TESTBED_UNKNOWN_READER",
  "ERR_TESTBED_BAD_OPTION",
  "ERR_TESTBED_READER_OCCUPIED",
  "ERR_TESTBED_READER_EMPTY",
];

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function fail(e: unknown): never {
  if (e instanceof TestbedError) {
    process.stderr.write(`cps-testbed: ${e.message}\n`);
    if (e.fix) process.stderr.write(`  fix: ${e.fix}\n`);
    process.stderr.write(`  (${e.code})\n`);
    process.exit(BAD_INPUT.includes(e.code) ? 2 : 1);
  }
  process.stderr.write(`cps-testbed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}

/** "0" → 0; anything else is a reader name (the daemon checks both). */
function readerArg(s: string): number | string {
  return /^\d+$/.test(s) ? Number(s) : s;
}

function profileArg(s: string): ProfileName {
  if (!(PROFILES as readonly string[]).includes(s)) {
    throw new TestbedError(
      "ERR_TESTBED_UNKNOWN_PROFILE",
      `Unknown profile "${s}". Profiles: ${PROFILES.join(", ")}.`,
      "`npx cps-testbed --help` lists them with one line each.",
    );
  }
  return s as ProfileName;
}

function triesArg(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 3) throw new TestbedError("ERR_TESTBED_BAD_OPTION", `--tries must be 0..3, got "${s}".`);
  return n;
}

function dateArg(name: string, s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  if (Number.isNaN(new Date(s).getTime())) {
    throw new TestbedError("ERR_TESTBED_BAD_OPTION", `${name}: not a date: "${s}" (use YYYY-MM-DD).`);
  }
  return new Date(s).toISOString();
}

async function main(argv: string[]): Promise<void> {
  const descriptions = PROFILE_DESCRIPTIONS;
  const width = Math.max(...PROFILES.map((p) => p.length));
  const profilesHelp = PROFILES.map((p) => `  ${p.padEnd(width)}  ${descriptions[p] ?? ""}`.trimEnd()).join("\n");

  const program = new Command("cps-testbed")
    .description(
      "Virtual CPS3 / CPS4 / Vitale cards behind the real pcscd (vsmartcard-vpcd): any PC/SC program sees them in card readers.",
    )
    .option("--state-dir <dir>", "runtime files (pcscd config and log, daemon state)", testbedStateDir())
    .addHelpText(
      "after",
      `\nProfiles:\n${profilesHelp}\n\nReaders: an index (0..n-1) or the exact PC/SC name; see \`cps-testbed up\` or \`list\`.\nDocs: docs/testbed.md`,
    )
    .showHelpAfterError()
    .exitOverride();
  const stateDir = () => program.opts<{ stateDir: string }>().stateDir;

  program
    .command("up")
    .description("start pcscd with the test bench readers (unless one serves) and the card daemon; print one JSON line")
    .action(async () => {
      // Check packages here too, so the message comes straight from the command the user typed.
      pcscdBinary();
      checkVpcdDriver();
      const { status, alreadyRunning } = await startDaemon({ stateDir: stateDir() });
      print({ ...status, alreadyRunning });
    });

  program
    .command("down")
    .description("stop what `up` started (the daemon, its cards, and pcscd if it started it); never another pcscd")
    .action(async () => {
      const stopped = await stopDaemon({ stateDir: stateDir() });
      if (!stopped) {
        throw new TestbedError(
          "ERR_TESTBED_NOT_RUNNING",
          `Nothing to stop: no test bench was started with state dir ${stateDir()}.`,
        );
      }
      print({ stopped });
    });

  program
    .command("insert")
    .description("insert a virtual card of a profile into a reader")
    .argument("<reader>", "reader index or exact name")
    .argument("<profile>", `one of: ${PROFILES.join(", ")}`)
    .option(
      "--national-id <id>",
      "holder national id: 8+RPPS (12 digits), 0+ADELI (10 chars); CPE: <structure id>/<local id>",
    )
    .option("--surname <name>", "holder surname")
    .option("--given-name <name>", "holder given name")
    .option("--profession <text>", 'certificate T, e.g. "Médecin"')
    .option("--pin <digits>", "card PIN (default 1234)")
    .option("--puk <digits>", "card PUK (default 12345678)")
    .option("--tries <n>", "PIN tries left at insertion (0..3)")
    .option("--not-before <date>", "certificate validity start")
    .option("--not-after <date>", "certificate validity end")
    .addOption(new Option("--mute-style <style>", "for the mute profile").choices(["unresponsive", "silent"]))
    .action(async (reader: string, profile: string, o: Record<string, string | undefined>) => {
      const p = profileArg(profile);
      const holder = Object.fromEntries(
        Object.entries({
          nationalId: o.nationalId,
          surname: o.surname,
          givenName: o.givenName,
          profession: o.profession,
        }).filter(([, v]) => v !== undefined),
      );
      const options: RemoteInsertOptions = {
        ...(Object.keys(holder).length ? { holder } : {}),
        ...(o.pin !== undefined ? { pin: o.pin } : {}),
        ...(o.puk !== undefined ? { puk: o.puk } : {}),
        ...(o.tries !== undefined ? { triesLeft: triesArg(o.tries) } : {}),
        ...(o.notBefore !== undefined ? { notBefore: dateArg("--not-before", o.notBefore) } : {}),
        ...(o.notAfter !== undefined ? { notAfter: dateArg("--not-after", o.notAfter) } : {}),
        ...(o.muteStyle !== undefined ? { mute: o.muteStyle as "unresponsive" | "silent" } : {}),
      };
      print(await TestbedClient.fromStateDir(stateDir()).insert(readerArg(reader), p, options));
    });

  program
    .command("remove")
    .description("remove the card of a reader")
    .argument("<reader>", "reader index or exact name")
    .action(async (reader: string) => {
      const client = TestbedClient.fromStateDir(stateDir());
      await client.remove(readerArg(reader));
      print({ removed: readerArg(reader) });
    });

  program
    .command("list")
    .description("the readers and the card in each")
    .action(async () => {
      const st = liveDaemon(stateDir());
      if (!st) {
        throw new TestbedError(
          "ERR_TESTBED_NOT_RUNNING",
          "The test bench is not running.",
          "Start it: `npx cps-testbed up`.",
        );
      }
      const cards: ReaderListing[] = await new TestbedClient(st.controlUrl, st.token).list();
      print(cards);
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help / --version exit 0; usage errors (unknown command, missing argument, bad choice) are bad input.
      process.exit(e.exitCode === 0 ? 0 : 2);
    }
    fail(e);
  }
}

await main(process.argv);
