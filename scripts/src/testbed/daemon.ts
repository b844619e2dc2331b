/**
 * The test bench daemon: a background process that holds the virtual cards for the CLI (a card must outlive
 * `cps-testbed insert`). Started by `cps-testbed up` through client.ts `startDaemon()`:
 *
 *   node --import tsx scripts/src/testbed/daemon.ts --state-dir <dir> [--card-host <ip>]
 *
 * It starts (or reuses) pcscd through {@link Testbed}, then serves a small JSON API on 127.0.0.1 (random port).
 * Every request needs `Authorization: Bearer <token>`, a random 32-byte token stored with the URL in
 * `<state dir>/daemon.json` (mode 0600); the Host header must be that exact 127.0.0.1 address (no DNS rebinding).
 * Request bodies (they may carry a PIN) are never logged.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { InsertOptions } from "./card-host";
import { hex, isProfileName } from "./card-host";
import { PROFILES } from "./cards/virtual-card";
import {
  type DaemonStartMessage,
  type DaemonState,
  daemonStatePath,
  type RemoteInsertOptions,
  type TestbedStatus,
} from "./client";
import { type InsertedCard, Testbed } from "./index";
import { TestbedError } from "./pcscd";
import { GARBLE_MODES, type GarbleMode } from "./vpcd-link";

const MAX_BODY = 64 * 1024;

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

type Json = Record<string, unknown>;

function readerRef(body: Json): number | string {
  const r = body.reader;
  if (typeof r === "number" || typeof r === "string") return r;
  throw new TestbedError("ERR_TESTBED_BAD_OPTION", "`reader` (index or exact name) is required.");
}

function profileOf(body: Json) {
  const p = body.profile;
  if (!isProfileName(p)) {
    throw new TestbedError(
      "ERR_TESTBED_UNKNOWN_PROFILE",
      `Unknown profile ${JSON.stringify(p)}. Profiles: ${PROFILES.join(", ")}.`,
      "`npx cps-testbed --help` lists them with one line each.",
    );
  }
  return p;
}

/** Wire options → {@link InsertOptions} (ISO dates back to Date); the card host validates the values. */
function insertOptions(body: Json): InsertOptions {
  const o = (body.options ?? {}) as RemoteInsertOptions;
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new TestbedError("ERR_TESTBED_BAD_OPTION", "`options` must be an object.");
  }
  const date = (s: unknown, name: string) => {
    if (s === undefined) return undefined;
    const d = new Date(String(s));
    if (Number.isNaN(d.getTime()))
      throw new TestbedError("ERR_TESTBED_BAD_OPTION", `${name}: not a date: ${String(s)}`);
    return d;
  };
  // `cardHost` is not accepted over the API: the daemon must not be told to connect anywhere but its vpcd.
  const { notBefore, notAfter, cardHost: _ignored, ...rest } = o as RemoteInsertOptions & { cardHost?: unknown };
  const out: InsertOptions = { ...rest };
  const nb = date(notBefore, "notBefore");
  const na = date(notAfter, "notAfter");
  if (nb) out.notBefore = nb;
  if (na) out.notAfter = na;
  return out;
}

function remoteCard(c: InsertedCard) {
  return { reader: c.reader, profile: c.profile, atr: hex(c.card.atr), triesLeft: c.triesLeft() ?? null };
}

function httpStatus(e: unknown): number {
  if (!(e instanceof TestbedError)) return 500;
  switch (e.code) {
    case "ERR_TESTBED_UNKNOWN_PROFILE":
    case "ERR_TESTBED_UNKNOWN_READER":
    case "ERR_TESTBED_BAD_OPTION":
      return 400;
    case "ERR_TESTBED_NOT_OWNER":
      return 403;
    case "ERR_TESTBED_READER_OCCUPIED":
    case "ERR_TESTBED_READER_EMPTY":
    case "ERR_TESTBED_READER_BUSY":
      return 409;
    default:
      return 500;
  }
}

async function readBody(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new TestbedError("ERR_TESTBED_BAD_OPTION", "Request body too large.");
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  for (const c of chunks) c.fill(0); // may hold a PIN
  if (text.trim() === "") return {};
  try {
    const v = JSON.parse(text);
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v as Json;
  } catch {
    throw new TestbedError("ERR_TESTBED_BAD_OPTION", "The request body must be a JSON object.");
  }
}

export async function runDaemon(opts: { stateDir: string; cardHost?: string }): Promise<void> {
  const tb = await Testbed.start({
    stateDir: opts.stateDir,
    adoptOrphanPcscd: true,
    ...(opts.cardHost ? { cardHost: opts.cardHost } : {}),
  });
  const token = randomBytes(32).toString("hex");
  const tokenBuf = Buffer.from(`Bearer ${token}`);
  let shuttingDown = false;
  let port = 0;

  const statePath = daemonStatePath(opts.stateDir);
  const status = (): TestbedStatus => ({
    readers: [...tb.readers],
    controlUrl: `http://127.0.0.1:${port}/`,
    pcscd: {
      pid: tb.pcscd.pid ?? null,
      startedByUs: tb.pcscd.startedByUs,
      readerSet: tb.pcscd.readerSet,
      logPath: tb.pcscd.logPath,
    },
    quickack: tb.quickack,
    cardHost: tb.cardHost,
    trustAnchorsPath: tb.trustAnchorsPath,
    stateDir: opts.stateDir,
    daemonPid: process.pid,
    daemonLogPath: join(opts.stateDir, "daemon.log"),
  });

  const shutdown = async (why: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`stopping (${why})`);
    server.close();
    try {
      await tb.stop();
    } finally {
      rmSync(statePath, { force: true });
      log("stopped");
      process.exit(0);
    }
  };

  const routes: Record<string, (body: Json) => Promise<unknown> | unknown> = {
    "GET /v1/status": () => ({ ...status(), cards: tb.list() }),
    "GET /v1/cards": () => tb.list(),
    "POST /v1/insert": async (b) => remoteCard(await tb.insert(readerRef(b), profileOf(b), insertOptions(b))),
    "POST /v1/swap": async (b) => remoteCard(await tb.swap(readerRef(b), profileOf(b), insertOptions(b))),
    "POST /v1/remove": async (b) => {
      await tb.remove(readerRef(b));
      return null;
    },
    "POST /v1/tries": (b) => {
      const c = mustCard(tb, readerRef(b));
      c.setTriesLeft(Number(b.triesLeft));
      return null;
    },
    "POST /v1/slow": (b) => {
      mustCard(tb, readerRef(b)).slowNext(Number(b.ms));
      return null;
    },
    "POST /v1/garble": (b) => {
      const mode = b.mode as GarbleMode;
      if (!GARBLE_MODES.includes(mode)) {
        throw new TestbedError("ERR_TESTBED_BAD_OPTION", `mode must be one of ${GARBLE_MODES.join(", ")}.`);
      }
      const count = b.count === undefined ? 1 : Number(b.count);
      if (!Number.isInteger(count) || count < 1 || count > 1000) {
        throw new TestbedError("ERR_TESTBED_BAD_OPTION", "count must be an integer 1..1000.");
      }
      mustCard(tb, readerRef(b)).garbleNext(mode, count);
      return null;
    },
    "POST /v1/pcscd/kill": async (b) => {
      await tb.pcscd.kill(b.signal === "SIGTERM" ? "SIGTERM" : "SIGKILL");
      return null;
    },
    "POST /v1/pcscd/start": async () => {
      await tb.pcscd.start();
      return null;
    },
    "POST /v1/pcscd/restart": async () => {
      await tb.pcscd.restart();
      return null;
    },
    "POST /v1/shutdown": () => {
      setImmediate(() => void shutdown("shutdown request"));
      return null;
    },
  };

  const send = (res: ServerResponse, code: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(code, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(text);
  };

  const server = createServer(async (req, res) => {
    const route = `${req.method} ${(req.url ?? "").split("?")[0]}`;
    try {
      if (req.headers.host !== `127.0.0.1:${port}`) {
        send(res, 421, { ok: false, error: { code: "ERR_TESTBED_BAD_OPTION", message: "Wrong Host header." } });
        return;
      }
      const auth = Buffer.from(req.headers.authorization ?? "");
      if (auth.length !== tokenBuf.length || !timingSafeEqual(auth, tokenBuf)) {
        send(res, 401, { ok: false, error: { code: "ERR_TESTBED_BAD_OPTION", message: "Missing or wrong token." } });
        return;
      }
      const handler = routes[route];
      if (!handler) {
        send(res, 404, { ok: false, error: { code: "ERR_TESTBED_BAD_OPTION", message: `Unknown endpoint ${route}.` } });
        return;
      }
      const body = req.method === "POST" ? await readBody(req) : {};
      log(route);
      const result = await handler(body);
      send(res, 200, { ok: true, result });
    } catch (e) {
      const err =
        e instanceof TestbedError
          ? e.toJSON()
          : { code: "ERR_TESTBED_PCSCD_FAILED", message: e instanceof Error ? e.message : String(e) };
      log(`${route} -> ${err.code}`);
      send(res, httpStatus(e), { ok: false, error: err });
    }
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  port = (server.address() as AddressInfo).port;

  const state: DaemonState = { version: 1, ...status(), token, startedAt: new Date().toISOString() };
  const tmp = `${statePath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(tmp, statePath);
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => void shutdown(sig));
  log(`ready on ${state.controlUrl} (pcscd pid ${state.pcscd.pid}, started by us: ${state.pcscd.startedByUs})`);
  process.send?.({ ready: status() } satisfies DaemonStartMessage);
}

function mustCard(tb: Testbed, ref: number | string): InsertedCard {
  const c = tb.card(ref);
  if (!c) {
    const r = tb.reader(ref);
    throw new TestbedError("ERR_TESTBED_READER_EMPTY", `Reader ${r.index} ("${r.name}") holds no card.`);
  }
  return c;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { "state-dir": { type: "string" }, "card-host": { type: "string" } },
  });
  const stateDir = values["state-dir"];
  if (!stateDir) throw new TestbedError("ERR_TESTBED_BAD_OPTION", "--state-dir is required");
  try {
    await runDaemon({ stateDir, ...(values["card-host"] ? { cardHost: values["card-host"] } : {}) });
    if (process.connected) process.disconnect();
  } catch (e) {
    const error =
      e instanceof TestbedError
        ? e.toJSON()
        : { code: "ERR_TESTBED_PCSCD_FAILED" as const, message: e instanceof Error ? e.message : String(e) };
    log(`failed to start: ${error.code} ${error.message}`);
    if (process.send) {
      await new Promise<void>((r) => process.send?.({ error } satisfies DaemonStartMessage, undefined, {}, () => r()));
    }
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  void main();
}
