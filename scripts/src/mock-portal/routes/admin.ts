/**
 * Test-only endpoints, JSON, under `/__admin/…` (and the mailbox at `/__mailbox`). They drive what tests cannot
 * reach through the pages: the clock, dossier changes as establishments or families would make them, the CPS mode,
 * the mail delay, and reading the last OTP. Every route here has an in-process twin on `MockPortal.admin`.
 */
import { DEMANDE_STATUTS } from "../data/model";
import { StoreError } from "../data/store";
import type { Context } from "../http/context";
import { HttpError } from "../http/context";
import type { Router } from "../http/router";
import type { MailRecord } from "../mail/mailbox";
import { isOtpMailVariant, OTP_MAIL_VARIANTS } from "../mail/otp-variants";
import { PATHS } from "../paths";
import type { AdminApi } from "../portal";
import { bulk, scriptedDay } from "../scenarios";

function mailView(m: MailRecord, withRaw: boolean) {
  const { raw, ...rest } = m;
  return withRaw ? m : rest;
}

/**
 * The admin API has no authentication (test only, loopback by default), so it refuses what a web page could send
 * it: a request whose Host is not one of the portal's names (DNS rebinding), and a state-changing request without
 * `Content-Type: application/json` (a cross-site form or no-cors fetch cannot set it without a CORS preflight, which
 * the mock never grants). Reads are JSON without CORS headers, so other origins cannot read them.
 */
export function registerAdminRoutes(router: Router, admin: AdminApi, ownOrigins: () => string[]): void {
  const A = PATHS.admin;
  const wrap = (fn: (ctx: Context) => unknown | Promise<unknown>) => async (ctx: Context) => {
    if (!ownOrigins().includes(ctx.origin)) return ctx.json({ error: "unexpected Host" }, 403);
    const reading = ctx.method === "GET" || ctx.method === "HEAD";
    const type = (ctx.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (!reading && type !== "application/json")
      return ctx.json({ error: "Content-Type must be application/json" }, 415);
    try {
      ctx.json(await fn(ctx));
    } catch (e) {
      if (e instanceof StoreError) return ctx.json({ error: e.message }, e.status);
      if (e instanceof HttpError) return ctx.json({ error: e.message }, e.status);
      if (e instanceof RangeError || e instanceof TypeError) return ctx.json({ error: e.message }, 400);
      throw e;
    }
  };
  const num = (x: unknown): number | undefined => (x === undefined || x === null || x === "" ? undefined : Number(x));

  router.get(
    PATHS.mailbox,
    wrap((ctx) => {
      const to = ctx.query.get("to");
      return admin
        .mails({ delivered: true })
        .filter((m) => !to || m.to === to)
        .map((m) => mailView(m, ctx.query.get("raw") === "1"));
    }),
  );

  router.get(
    `${A}`,
    wrap(() => admin.state()),
  );
  router.get(
    `${A}/state`,
    wrap(() => admin.state()),
  );

  // Clock: body or query { ms | seconds | minutes | hours | days }.
  const advance = wrap(async (ctx) => {
    const b = { ...Object.fromEntries(ctx.query), ...(await ctx.jsonBody()) } as Record<string, unknown>;
    const ms =
      (num(b.ms) ?? 0) +
      (num(b.seconds) ?? 0) * 1e3 +
      (num(b.minutes) ?? 0) * 6e4 +
      (num(b.hours) ?? 0) * 36e5 +
      (num(b.days) ?? 0) * 864e5;
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError("give a positive ms, seconds, minutes, hours or days");
    return { now: admin.advanceClock(ms).toISOString() };
  });
  router.post(`${A}/clock/advance`, advance);
  router.post(`${A}/advance`, advance); // the name viatrajectoire.md §8.1 proposes
  router.post(
    `${A}/clock/set`,
    wrap(async (ctx) => {
      const b = await ctx.jsonBody();
      const d = new Date(String(b.now ?? ""));
      if (Number.isNaN(d.getTime())) throw new RangeError("now must be an ISO date");
      return { now: admin.setClock(d).toISOString() };
    }),
  );

  router.get(
    `${A}/dossiers`,
    wrap(() => admin.dossiers()),
  );
  router.post(
    `${A}/dossiers`,
    wrap(async (ctx) => admin.addDossier(await ctx.jsonBody())),
  );
  router.get(
    `${A}/dossiers/:numero`,
    wrap((ctx) => admin.dossier(ctx.params.numero!)),
  );
  router.add(
    ["PATCH", "POST"],
    `${A}/dossiers/:numero`,
    wrap(async (ctx) => admin.changeDossier(ctx.params.numero!, await ctx.jsonBody())),
  );
  // A new establishment answer (or a new request when the FINESS is new).
  router.post(
    `${A}/dossiers/:numero/demandes`,
    wrap(async (ctx) => admin.answer(ctx.params.numero!, await ctx.jsonBody())),
  );
  router.add(
    ["PATCH", "POST"],
    `${A}/dossiers/:numero/demandes/:finess`,
    wrap(async (ctx) => admin.answer(ctx.params.numero!, { ...(await ctx.jsonBody()), finess: ctx.params.finess })),
  );
  router.get(
    `${A}/changes`,
    wrap((ctx) => admin.changes(num(ctx.query.get("since")) ?? 0)),
  );

  // One generic entry point, as §8.1 sketches: { type: "reponse-etablissement" | "dossier" | "nouveau-dossier", … }.
  router.post(
    `${A}/event`,
    wrap(async (ctx) => {
      const b = await ctx.jsonBody();
      const numero = String(b.numero ?? "");
      switch (b.type) {
        case "reponse-etablissement":
          return admin.answer(numero, b);
        case "dossier":
          return admin.changeDossier(numero, b);
        case "nouveau-dossier":
          return admin.addDossier(b);
        default:
          throw new HttpError(
            400,
            `type must be reponse-etablissement, dossier or nouveau-dossier (statuts: ${Object.keys(DEMANDE_STATUTS).join(", ")})`,
          );
      }
    }),
  );

  // Issue 12 scenarios (scenarios.ts): a scripted day of dossier changes; fill the portal up to `total` dossiers.
  router.post(
    `${A}/scenario/day`,
    wrap(() => ({ steps: scriptedDay(admin) })),
  );
  router.post(
    `${A}/scenario/bulk`,
    wrap(async (ctx) => bulk(admin, Number((await ctx.jsonBody()).total))),
  );

  router.post(
    `${A}/cps-mode`,
    wrap(async (ctx) => {
      const b = await ctx.jsonBody();
      if (b.mode !== "token" && b.mode !== "real") throw new HttpError(400, "mode must be token or real");
      const outcome =
        b.realOutcome === "success"
          ? { kind: "success" as const, nationalId: String(b.nationalId ?? "") }
          : { kind: "failure" as const };
      if (outcome.kind === "success" && !outcome.nationalId)
        throw new HttpError(400, "realOutcome success needs nationalId");
      admin.setCpsMode(b.mode, outcome);
      return admin.state();
    }),
  );

  router.post(
    `${A}/mail/delay`,
    wrap(async (ctx) => {
      const b = await ctx.jsonBody();
      const ms = num(b.ms);
      if (ms === undefined || !Number.isFinite(ms) || ms < 0) throw new RangeError("ms must be ≥ 0");
      admin.setMailDelay(ms);
      return admin.state();
    }),
  );
  router.post(
    `${A}/mail/otp-variant`,
    wrap(async (ctx) => {
      const b = await ctx.jsonBody();
      if (!isOtpMailVariant(b.variant)) throw new RangeError(`variant must be one of ${OTP_MAIL_VARIANTS.join(", ")}`);
      admin.setOtpMailVariant(b.variant);
      return { variant: b.variant };
    }),
  );
  router.post(
    `${A}/mail/otp-extra`,
    wrap(async (ctx) => {
      const b = await ctx.jsonBody();
      if (!isOtpMailVariant(b.variant)) throw new RangeError(`variant must be one of ${OTP_MAIL_VARIANTS.join(", ")}`);
      if (b.code !== undefined && !(typeof b.code === "string" && /^\d{6}$/.test(b.code)))
        throw new RangeError("code must be 6 digits");
      return mailView(admin.sendOtpVariant(b.variant, b.code as string | undefined), false);
    }),
  );
  router.get(
    `${A}/mail`,
    wrap((ctx) => admin.mails({ delivered: false }).map((m) => mailView(m, ctx.query.get("raw") === "1"))),
  );
  router.get(
    `${A}/mail/last`,
    wrap((ctx) => {
      const m = admin.lastMail();
      if (!m) throw new HttpError(404, "no mail sent yet");
      return mailView(m, ctx.query.get("raw") === "1");
    }),
  );
  router.get(
    `${A}/otp/last`,
    wrap(() => {
      const o = admin.lastOtp();
      if (!o) throw new HttpError(404, "no OTP sent yet");
      return o;
    }),
  );

  router.get(
    `${A}/sessions`,
    wrap(() => admin.sessions()),
  );
  router.add(
    "DELETE",
    `${A}/sessions`,
    wrap(() => ({ expired: admin.expireSessions() })),
  );
  router.get(
    `${A}/accounts`,
    wrap(() => admin.accounts()),
  );
  router.post(
    `${A}/accounts`,
    wrap(async (ctx) => {
      const b = await ctx.jsonBody();
      for (const k of ["nationalId", "surname", "givenName", "email"])
        if (typeof b[k] !== "string" || !b[k]) throw new HttpError(400, `${k} is required`);
      return admin.addAccount({
        nationalId: String(b.nationalId),
        surname: String(b.surname),
        givenName: String(b.givenName),
        email: String(b.email),
        ...(typeof b.password === "string" ? { password: b.password } : {}),
      });
    }),
  );
  router.post(
    `${A}/reset`,
    wrap(async (ctx) => {
      const b = await ctx.jsonBody();
      admin.reset(num(b.seed));
      return admin.state();
    }),
  );
}
