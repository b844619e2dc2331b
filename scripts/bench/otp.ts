/**
 * OTP benchmark (issue 11): `npx tsx scripts/bench/otp.ts [--runs N]` prints one JSON document.
 *
 * Real parts only: a real dovecot (scripts/src/mail/dovecot.ts) over IMAPS with the test certificate, the real agent
 * process (`cps-bridge start --test-mode --mail-ca …`) with a paired, authenticated WebSocket client, and the
 * portal's OTP mail as the mock portal builds it. Each run delivers ONE mail into the Maildir (the moment an MDA
 * hands it to the mailbox) and times, from that moment:
 *  - `floor`: a bare imapflow client, already IDLE on the same INBOX, receiving its EXISTS — the fastest any IMAP
 *    client can learn of the mail;
 *  - `agent`: the `otp.wait` answer (the code) reaching the client over the bridge — search FROM the allowed
 *    senders, fetch, MIME decode, rules, answer.
 * Both watch the same delivery, so their difference is what cps-bridge adds.
 *  - `field` (stage 2, the whole product): Chromium with the built extension on the mock portal's code page, after a
 *    real password step; the portal's own mail is held in transit and the bench delivers that mail (same code) at t0;
 *    time until the code is in the portal's field (polled every 5 ms in the page), with the bare IDLE client's EXISTS
 *    for the same delivery as the floor. Needs the test bench (pcscd): run under the shared lock
 *    (`flock /tmp/cps-bridge-pcsc.lock npx tsx scripts/bench/otp.ts`); `--no-browser` skips it.
 * Goal (numbers, not a test): p50 ≤ 1 s and ≤ floor + 150 ms.
 */

import { spawnAgent } from "@cps-bridge/agent/bridge/spawn-agent";
import { BridgeTestClient } from "@cps-bridge/agent/bridge/test-client";
import { DEFAULT_MAIL_USER, startDovecot } from "@cps-bridge/scripts/mail/dovecot";
import { otpVariantMail } from "@cps-bridge/scripts/mock-portal/mail/otp-variants";
import { buildMail } from "@cps-bridge/scripts/mock-portal/mail/rfc5322";
import { ImapFlow } from "imapflow";
import { startSlice } from "../src/demo/slice";
import { DOCTOR } from "../src/mock-portal/testing/flows";

const args = process.argv.slice(2);
const RUNS = Math.min(50, Number(args[args.indexOf("--runs") + 1]) || 15);
const USER = DEFAULT_MAIL_USER.user;
const PORTAL = "http://127.0.0.1:8080";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))] ?? Number.NaN) * 10) / 10;
};

const d = await startDovecot();
const agent = await spawnAgent({ args: ["--test-mode", "--mail-ca", d.caPath] });
const client = await BridgeTestClient.connect(agent.port);
const floor = new ImapFlow({
  host: "127.0.0.1",
  port: d.imapsPort,
  secure: true,
  tls: { ca: [d.caPem] },
  auth: { user: USER, pass: DEFAULT_MAIL_USER.pass },
  logger: false,
});
const floorMs: number[] = [];
const agentMs: number[] = [];
const deltaMs: number[] = [];
let connectMs = 0;
try {
  await client.hello();
  await client.authenticate(await client.pair(await agent.openPairing(), "otp bench"), agent.port);
  await client.request("mailbox.configure", {
    host: "127.0.0.1",
    port: d.imapsPort,
    security: "tls",
    user: USER,
    password: DEFAULT_MAIL_USER.pass,
  });
  connectMs = (await client.request("mailbox.test", {})).latencyMs;
  await floor.connect();
  const lock = await floor.getMailboxLock("INBOX");
  let onExists: (() => void) | undefined;
  floor.on("exists", () => onExists?.());
  try {
    for (let i = 0; i < RUNS + 2; i++) {
      const code = String(100_000 + ((i * 7919) % 899_999));
      const raw = buildMail(
        otpVariantMail("standard", {
          code,
          to: USER,
          date: new Date(),
          instance: "ViaTrajectoire",
          validityMinutes: 10,
        }),
      ).raw;
      const waiting = client.request("otp.wait", { since: Date.now(), timeoutMs: 20_000, portalOrigin: PORTAL });
      void floor.idle().catch(() => undefined);
      await sleep(1_000); // both are IDLE before the delivery
      let tFloor = 0;
      const floorSeen = new Promise<void>((resolve) => {
        onExists = () => {
          tFloor = performance.now();
          resolve();
        };
      });
      const t0 = performance.now();
      d.deliver(USER, raw);
      const r = await waiting;
      const tAgent = performance.now();
      await Promise.race([floorSeen, sleep(5_000)]);
      onExists = undefined;
      if (r.code !== code) throw new Error(`run ${i}: got another code`);
      if (i < 2) continue; // warm-up
      floorMs.push(tFloor - t0);
      agentMs.push(tAgent - t0);
      deltaMs.push(tAgent - tFloor);
    }
  } finally {
    lock.release();
  }
} finally {
  await floor.logout().catch(() => undefined);
  await client.close();
  await agent.close();
}
await d.dispose().catch(() => undefined);

// ── stage 2: the field in Chromium ──
const field: { floor: number[]; field: number[]; delta: number[] } = { floor: [], field: [], delta: [] };
if (!args.includes("--no-browser")) {
  const d2 = await startDovecot();
  const slice = await startSlice({ mode: "token", mail: { mailboxDir: d2.maildirOf(USER), mailCa: d2.caPath } });
  const idle = new ImapFlow({
    host: "127.0.0.1",
    port: d2.imapsPort,
    secure: true,
    tls: { ca: [d2.caPem] },
    auth: { user: USER, pass: DEFAULT_MAIL_USER.pass },
    logger: false,
  });
  try {
    const opts = await slice.kit.openExtensionPage("options.html");
    await opts.waitForSelector('form[data-form="mailbox"]');
    await opts.select('select[name="preset"]', "other");
    for (const [sel, v] of [
      ['input[name="user"]', USER],
      ['input[name="host"]', "127.0.0.1"],
      ['input[name="port"]', String(d2.imapsPort)],
      ['input[name="password"]', DEFAULT_MAIL_USER.pass],
    ] as const) {
      await opts.$eval(sel, (e) => {
        (e as HTMLInputElement).value = "";
      });
      await opts.type(sel, v);
    }
    await opts.click('[data-action="mailbox-save"]');
    await opts.waitForSelector('[data-mailbox-status="ok"]', { timeout: 10_000 });
    await opts.close();
    await idle.connect();
    const lock = await idle.getMailboxLock("INBOX");
    let onExists: (() => void) | undefined;
    idle.on("exists", () => onExists?.());
    slice.portal.admin.setMailDelay(600_000); // the portal's mail stays in transit: the bench delivers it at t0
    try {
      for (let i = 0; i < Math.min(RUNS, 12) + 1; i++) {
        const page = await slice.openLogin();
        await page.type("#UserName", DOCTOR.username);
        await page.type("#Password", DOCTOR.password);
        await Promise.all([page.waitForNavigation(), page.click("#LoginButton")]);
        const code = slice.portal.admin.lastOtp()?.code ?? "";
        void idle.idle().catch(() => undefined);
        await sleep(1_000); // the agent's wait and the floor client are IDLE
        let tFloor = 0;
        const seen = new Promise<void>((r) => {
          onExists = () => {
            tFloor = performance.now();
            r();
          };
        });
        const filled = page.waitForFunction(
          (c) => (document.querySelector("#CodeOTP") as HTMLInputElement | null)?.value === c,
          { polling: 5, timeout: 10_000 },
          code,
        );
        const raw = buildMail(
          otpVariantMail("standard", {
            code,
            to: USER,
            date: new Date(),
            instance: "ViaTrajectoire",
            validityMinutes: 10,
          }),
        ).raw;
        const t0 = performance.now();
        d2.deliver(USER, raw);
        await filled;
        const tField = performance.now();
        await Promise.race([seen, sleep(5_000)]);
        onExists = undefined;
        await page.close();
        await slice.logout();
        if (i === 0) continue; // warm-up
        field.floor.push(tFloor - t0);
        field.field.push(tField - t0);
        field.delta.push(tField - tFloor);
      }
    } finally {
      lock.release();
    }
  } finally {
    await idle.logout().catch(() => undefined);
    await slice.stop();
    await d2.dispose();
  }
}

const p50 = pct(agentMs, 0.5);
const floorP50 = pct(floorMs, 0.5);
const fieldP50 = pct(field.field, 0.5);
const fieldFloorP50 = pct(field.floor, 0.5);
console.log(
  JSON.stringify(
    {
      bench: "otp",
      runs: RUNS,
      transport: "IMAPS on loopback (dovecot), agent over WebSocket",
      mailboxTestConnectMs: connectMs,
      floor: { p50: floorP50, p90: pct(floorMs, 0.9) },
      agent: { p50, p90: pct(agentMs, 0.9) },
      agentMinusFloor: { p50: pct(deltaMs, 0.5), p90: pct(deltaMs, 0.9) },
      goal: { p50Leq1000: p50 <= 1000, p50LeqFloorPlus150: p50 <= floorP50 + 150 },
      field: field.field.length
        ? {
            runs: field.field.length,
            transport: "Chromium + extension + agent + dovecot IMAPS; code page of the mock portal",
            floor: { p50: fieldFloorP50, p90: pct(field.floor, 0.9) },
            mailToField: { p50: fieldP50, p90: pct(field.field, 0.9) },
            fieldMinusFloor: { p50: pct(field.delta, 0.5), p90: pct(field.delta, 0.9) },
            goal: { p50Leq1000: fieldP50 <= 1000, p50LeqFloorPlus150: fieldP50 <= fieldFloorP50 + 150 },
          }
        : "skipped (--no-browser)",
    },
    null,
    2,
  ),
);
process.exit(0);
