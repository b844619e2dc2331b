/**
 * The PIN window (pin.html?request=<id>), opened by the background in its own popup window — never inside a
 * portal page (anchors.md §1.5). It shows which site asks (the origin the background took from the tab), whose
 * card it is and the tries left; takes 4 digits, masked, never autocompleted; asks for an explicit confirmation on
 * the last try; explains how to unblock a blocked card.
 *
 * The PIN lives only in the input element: read once at submit, the field is emptied before the message is even
 * answered, and the page clears it again when it is hidden or closed. It is never put in component state.
 */
import type { ErrorCode } from "@cps-bridge/protocol/errors";
import { useEffect, useRef, useState } from "preact/hooks";
import type { PinRequestInfo, PinSubmitResult } from "../../background/pin/pin-requests";
import { t } from "../../i18n/index";
import type { Answer } from "../../shared/messages";
import type { UiLanguage } from "../../shared/state";
import { holderName } from "../components/CardDetails";
import { ErrorNote } from "../components/ErrorNote";
import { Logo } from "../components/Logo";
import { PinTries } from "../components/PinTries";

const PIN_LENGTH = 4;

type View =
  | { kind: "form"; wrong?: { triesLeft: number }; error?: ErrorCode }
  | { kind: "working" }
  | { kind: "signed" }
  | { kind: "blocked" }
  | { kind: "ended"; code: ErrorCode }
  | { kind: "expired" };

export interface PinDialogProps {
  lang: UiLanguage;
  info: PinRequestInfo | undefined;
  submit(pin: string, confirmLastTry: boolean): Promise<Answer<{ result: PinSubmitResult }>>;
  cancel(): void;
  close(): void;
}

function initialView(info: PinRequestInfo | undefined): View {
  if (info === undefined) return { kind: "expired" };
  if (info.outcome) return info.outcome.ok ? { kind: "signed" } : { kind: "ended", code: info.outcome.code };
  if (info.pin?.blocked) return { kind: "blocked" };
  return { kind: "form" };
}

export function PinDialog({ lang, info, submit, cancel, close }: PinDialogProps) {
  const [view, setView] = useState<View>(() => initialView(info));
  const [tries, setTries] = useState(info?.pin);
  const [confirmed, setConfirmed] = useState(false);
  const [needConfirm, setNeedConfirm] = useState(info?.pin?.triesLeft === 1);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const wipe = () => {
      if (input.current) input.current.value = "";
    };
    window.addEventListener("pagehide", wipe);
    return () => {
      window.removeEventListener("pagehide", wipe);
      wipe();
    };
  }, []);

  useEffect(() => {
    if (view.kind === "form") input.current?.focus();
    if (view.kind === "signed") {
      const timer = setTimeout(close, 1200);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [view.kind]);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const field = input.current;
    if (!field) return;
    let pin = field.value;
    field.value = "";
    if (!new RegExp(`^\\d{${PIN_LENGTH}}$`).test(pin)) {
      pin = "";
      setView({ kind: "form", error: "ERR_PIN_FORMAT" });
      return;
    }
    if (needConfirm && !confirmed) {
      pin = "";
      return;
    }
    setView({ kind: "working" });
    const answering = submit(pin, needConfirm && confirmed);
    pin = "";
    const answer = await answering;
    if (!answer.ok) {
      setView({ kind: "form", error: answer.code });
      return;
    }
    const r = answer.result;
    switch (r.status) {
      case "signed":
        setView({ kind: "signed" });
        break;
      case "wrong":
        setTries({ triesLeft: r.triesLeft, maxTries: r.maxTries, blocked: r.triesLeft <= 0, verified: false });
        setNeedConfirm(r.triesLeft === 1);
        setConfirmed(false);
        setView(r.triesLeft <= 0 ? { kind: "blocked" } : { kind: "form", wrong: { triesLeft: r.triesLeft } });
        break;
      case "confirm-last-try":
        setNeedConfirm(true);
        setConfirmed(false);
        setView({ kind: "form" });
        break;
      case "blocked":
        setTries({ triesLeft: 0, maxTries: tries?.maxTries ?? 3, blocked: true, verified: false });
        setView({ kind: "blocked" });
        break;
      case "expired":
        setView({ kind: "expired" });
        break;
      case "error":
        setView(r.final ? { kind: "ended", code: r.code } : { kind: "form", error: r.code });
        break;
    }
  };

  const header = (
    <header class="page-head">
      <Logo size={26} />
      <h1 style={{ fontSize: "18px" }}>{t(lang, "pin.title")}</h1>
    </header>
  );

  if (view.kind === "expired" || info === undefined) {
    return (
      <main class="pin" data-pin-view="expired">
        {header}
        <p>{t(lang, "pin.expired")}</p>
        <div class="actions">
          <button type="button" onClick={close}>
            {t(lang, "action.close")}
          </button>
        </div>
      </main>
    );
  }

  const who = (
    <section class="pin-context">
      <p style={{ margin: 0 }}>{t(lang, "pin.asks")}</p>
      <p class="origin" data-field="origin">
        {info.origin}
      </p>
      {info.holder ? (
        <p style={{ margin: "6px 0 0" }} data-field="holder">
          {t(lang, "pin.holder", { name: holderName(info.holder) })}
          {info.holder.profession ? <span class="muted"> — {info.holder.profession}</span> : null}
        </p>
      ) : null}
      {tries ? (
        <p style={{ margin: "6px 0 0" }}>
          <PinTries pin={tries} lang={lang} />
        </p>
      ) : null}
    </section>
  );

  if (view.kind === "signed") {
    return (
      <main class="pin" data-pin-view="signed">
        {header}
        {who}
        <div class="note ok" role="status">
          <p style={{ margin: 0, fontWeight: 650 }}>{t(lang, "pin.success")}</p>
        </div>
      </main>
    );
  }

  if (view.kind === "blocked") {
    return (
      <main class="pin" data-pin-view="blocked">
        {header}
        {who}
        <ErrorNote code="ERR_PIN_BLOCKED" lang={lang} hideRemedy />
        <h2>{t(lang, "pin.unblockTitle")}</h2>
        <ol class="steps">
          <li>{t(lang, "pin.unblock1")}</li>
          <li>{t(lang, "pin.unblock2")}</li>
          <li>{t(lang, "pin.unblock3")}</li>
        </ol>
        <p class="small muted">{t(lang, "pin.unblock4")}</p>
        <div class="actions">
          <button type="button" class="primary" onClick={close}>
            {t(lang, "action.close")}
          </button>
        </div>
      </main>
    );
  }

  if (view.kind === "ended") {
    return (
      <main class="pin" data-pin-view="ended">
        {header}
        {who}
        <ErrorNote code={view.code} lang={lang} />
        <div class="actions">
          <button type="button" class="primary" onClick={close}>
            {t(lang, "action.close")}
          </button>
        </div>
      </main>
    );
  }

  const working = view.kind === "working";
  const wrong = view.kind === "form" ? view.wrong : undefined;
  const error = view.kind === "form" ? view.error : undefined;
  return (
    <main class="pin" data-pin-view="form">
      {header}
      {who}
      <form onSubmit={onSubmit} autocomplete="off" class="pin-form">
        <label for="pin">{t(lang, "pin.label")}</label>
        <input
          ref={input}
          id="pin"
          name="cps-pin"
          type="password"
          inputMode="numeric"
          pattern="[0-9]*"
          autocomplete="off"
          maxLength={PIN_LENGTH}
          class="pin-input"
          disabled={working}
          aria-invalid={wrong !== undefined || error !== undefined}
          data-lpignore="true"
        />
        {wrong ? (
          <div class="note error" role="alert" data-error-code="ERR_PIN_INCORRECT">
            <p style={{ margin: 0, fontWeight: 650 }}>
              {wrong.triesLeft === 1 ? t(lang, "pin.wrongOne") : t(lang, "pin.wrong", { n: wrong.triesLeft })}
            </p>
          </div>
        ) : null}
        {error ? <ErrorNote code={error} lang={lang} /> : null}
        {needConfirm ? (
          <div class="note warn-note" data-last-try="true">
            <p style={{ fontWeight: 650 }}>{t(lang, "pin.oneTry")}</p>
            <label class="check">
              <input
                type="checkbox"
                checked={confirmed}
                onChange={(e) => setConfirmed((e.target as HTMLInputElement).checked)}
                data-action="confirm-last-try"
              />{" "}
              {t(lang, "pin.lastTryConfirm")}
            </label>
          </div>
        ) : null}
        <p class="small muted" style={{ marginTop: "12px" }}>
          {t(lang, "pin.onlyIfYou")}
        </p>
        <div class="actions">
          <span class="spacer" />
          <button
            type="button"
            onClick={() => {
              cancel();
            }}
            disabled={working}
            data-action="pin-cancel"
          >
            {t(lang, "action.cancel")}
          </button>
          <button
            type="submit"
            class="primary"
            disabled={working || (needConfirm && !confirmed)}
            data-action="pin-submit"
          >
            {working ? t(lang, "pin.working") : t(lang, "pin.submit")}
          </button>
        </div>
      </form>
    </main>
  );
}
