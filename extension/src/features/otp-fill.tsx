/**
 * The e-mailed code step (issue 11; docs/otp.md): asks the background for this login's code (the agent's mailbox or
 * a webmail tab) and puts it into the portal's code field — only that field (portal/detectors.ts findOtpField: never
 * a password input), only on this page, which the assistant runs only on an allowed portal origin and the background
 * checks again from the sender tab. A code is filled only into an empty field (what the doctor typed is never
 * overwritten: the code is offered with a button instead); « Valider » is pressed only if the doctor turned that on.
 * The status line under the field says where the code is expected from, the code's validity left, and — when none
 * comes or the mailbox fails — the manual path and the portal's own « Renvoyer le code ».
 *
 * `since` (when the portal asked for the code) is derived from the portal's countdown when it is readable
 * (validity − remaining), else the page's load time; the agent tolerates 30 s of clock skew.
 */
import { OTP_VALIDITY_MS } from "@cps-bridge/protocol/otp/rules";
import { render } from "preact";
import { browser } from "wxt/browser";
import { errorText } from "../i18n/index";
import { findOtpField, readOtpRemainingSeconds } from "../portal/detectors";
import * as S from "../portal/selectors";
import { mountShadowHost } from "../portal/shadow-host";
import { OTP_WARNING } from "../shared/messages";
import type { UiLanguage } from "../shared/state";
import { defineFeature } from "./feature";
import { mmss, otpStrings } from "./otp-fill-strings";

const PORTAL_SENDER = "no_reply.trajectoire@sante-ra.fr";
/** Failures after which only a webmail tab can still bring the code. */
const MAILBOX_FAILURES = new Set([
  "OTP_MAILBOX_NOT_CONFIGURED",
  "OTP_IMAP_AUTH",
  "OTP_IMAP_TLS",
  "OTP_IMAP_UNREACHABLE",
  "ERR_AGENT_UNAVAILABLE",
  "ERR_NOT_PAIRED",
  "ERR_AGENT_UNTRUSTED",
  "ERR_VERSION_MISMATCH",
  "ERR_UNKNOWN_METHOD",
]);

type View =
  | { kind: "waiting" }
  | { kind: "filled"; source: "mailbox" | "webmail"; submitting: boolean }
  | { kind: "typed" }
  | { kind: "offer"; code: string; source: "mailbox" | "webmail" }
  | { kind: "error"; code: string; webmailStill: boolean }
  | { kind: "expired" };

/** Sets an input's value the way typing does, so the page's own scripts (validation, counters) see it. */
export function typeInto(field: HTMLInputElement, value: string): void {
  const proto = Object.getPrototypeOf(field) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, "value")?.set;
  if (setter) setter.call(field, value);
  else field.value = value;
  field.dispatchEvent(new Event("input", { bubbles: true }));
  field.dispatchEvent(new Event("change", { bubbles: true }));
}

function OtpStatus({
  view,
  lang,
  secondsLeft,
  warning,
  onInsert,
}: {
  view: View;
  lang: UiLanguage;
  secondsLeft: number;
  warning: boolean;
  onInsert(): void;
}) {
  const s = otpStrings(lang);
  const source = (x: "mailbox" | "webmail") => (x === "mailbox" ? s.fromMailbox : s.fromWebmail);
  let main: preact.ComponentChildren;
  switch (view.kind) {
    case "waiting":
      main = (
        <>
          <p class="cpsb-hint busy">{s.waiting(PORTAL_SENDER)}</p>
          <p class="cpsb-hint">{s.resendHint}</p>
        </>
      );
      break;
    case "filled":
      main = (
        <p class="cpsb-lead">
          {view.submitting ? s.filledSubmitting(source(view.source)) : s.filled(source(view.source))}
        </p>
      );
      break;
    case "typed":
      main = <p class="cpsb-hint">{s.typedByHand}</p>;
      break;
    case "offer":
      main = (
        <>
          <p class="cpsb-hint">{s.receivedButTyped}</p>
          <div class="cpsb-actions">
            <button type="button" class="primary" onClick={onInsert} data-action="otp-insert">
              {s.insert}
            </button>
          </div>
        </>
      );
      break;
    case "error": {
      const e = errorText(view.code, lang);
      main = (
        <>
          <p class="cpsb-lead" data-error-code={view.code}>
            {e.text}
          </p>
          <p class="cpsb-hint">{e.remedy}</p>
          <p class="cpsb-hint">{s.manual(PORTAL_SENDER)}</p>
          {view.webmailStill ? <p class="cpsb-hint">{s.webmailStill}</p> : null}
        </>
      );
      break;
    }
    case "expired":
      main = <p class="cpsb-lead">{s.expired}</p>;
      break;
  }
  return (
    <section class="cpsb-panel otp" role="status" aria-live="polite" data-cps-panel="otp" data-otp-state={view.kind}>
      {main}
      {warning ? (
        <p class="cpsb-hint warn" data-otp-warning="OTP_AUTH_FAILED">
          {s.warning}
        </p>
      ) : null}
      {view.kind !== "expired" && view.kind !== "typed" ? (
        <p class="cpsb-hint">{s.validity(mmss(secondsLeft))}</p>
      ) : null}
    </section>
  );
}

export default defineFeature({
  id: "otp-fill",
  include: ["otp"],
  init(env, signal) {
    const field = findOtpField(env.doc);
    if (!field) return false;
    const lang = (): UiLanguage => env.live.current()?.language ?? env.fallbackLang;
    const loadedAt = Date.now();
    const remaining = readOtpRemainingSeconds(env.doc);
    const validityS = OTP_VALIDITY_MS / 1000;
    const leftAtLoad = remaining !== undefined ? Math.min(validityS, remaining) : validityS;
    const since = loadedAt - (validityS - leftAtLoad) * 1000;
    const expiresAt = loadedAt + leftAtLoad * 1000;
    const secondsLeft = () => Math.max(0, Math.round((expiresAt - Date.now()) / 1000));

    const { container } = mountShadowHost(field, "after", "otp-fill", signal);
    let view: View = { kind: "waiting" };
    let warning = false;
    let pendingCode: { code: string; source: "mailbox" | "webmail" } | undefined;
    let finished = false;
    const draw = () => {
      if (signal.aborted) return;
      render(
        <OtpStatus
          view={view}
          lang={lang()}
          secondsLeft={secondsLeft()}
          warning={warning}
          onInsert={() => {
            if (!pendingCode) return;
            fill(pendingCode.code, pendingCode.source, false);
          }}
        />,
        container,
      );
    };
    const set = (v: View) => {
      view = v;
      draw();
    };

    const fill = (code: string, source: "mailbox" | "webmail", autoSubmit: boolean) => {
      // The field may have been replaced by a re-render of the page: fill only the one the detector finds now.
      const now = findOtpField(env.doc);
      if (now !== field || !field.isConnected) return;
      typeInto(field, code);
      pendingCode = undefined;
      finished = true;
      field.focus({ preventScroll: false });
      const validate = autoSubmit ? env.doc.querySelector<HTMLElement>(S.otpValidate) : null;
      set({ kind: "filled", source, submitting: validate !== null });
      validate?.click();
    };

    const ask = (sources: "any" | "webmail") => {
      const timeoutMs = Math.max(1_000, expiresAt - Date.now());
      void env.send("otp.request", { since, timeoutMs, sources }).then((a) => {
        if (signal.aborted || finished) return;
        if (a.ok) {
          if (field.value.trim() === "") fill(a.code, a.source, a.autoSubmit);
          else {
            pendingCode = { code: a.code, source: a.source };
            set({ kind: "offer", code: a.code, source: a.source });
          }
          return;
        }
        if (a.code === "OTP_CANCELLED") return;
        if (a.code === "OTP_TIMEOUT" && secondsLeft() === 0) return set({ kind: "expired" });
        const webmailStill = sources === "any" && MAILBOX_FAILURES.has(a.code);
        set({ kind: "error", code: a.code, webmailStill });
        if (webmailStill) ask("webmail");
      });
    };

    // The doctor typing the code ends the wait (never fought over); a code arriving later is only offered.
    const onInput = (e: Event) => {
      if (!e.isTrusted || finished) return;
      if (/^\d{6}$/.test(field.value.trim())) {
        finished = true;
        void env.send("otp.cancel", {});
        set({ kind: "typed" });
      }
    };
    field.addEventListener("input", onInput, { signal });

    const onMessage = (m: unknown) => {
      if ((m as { type?: string })?.type === OTP_WARNING) {
        warning = true;
        draw();
      }
    };
    browser.runtime.onMessage.addListener(onMessage);
    const tick = setInterval(() => {
      if (view.kind === "waiting" && secondsLeft() === 0) set({ kind: "expired" });
      else draw();
    }, 1_000);
    signal.addEventListener(
      "abort",
      () => {
        clearInterval(tick);
        browser.runtime.onMessage.removeListener(onMessage);
        render(null, container);
        if (!finished) void env.send("otp.cancel", {});
      },
      { once: true },
    );
    draw();
    ask("any");
    return undefined;
  },
});
