import type { ReaderStatus } from "@cps-bridge/protocol/model";
import { t } from "../../i18n/index";
import { isCps } from "../../shared/situation";
import type { UiLanguage } from "../../shared/state";
import { holderName } from "../components/CardDetails";
import { CertificateValidity } from "../components/CertificateValidity";
import { PinTries } from "../components/PinTries";

/**
 * The three facts a doctor needs beside the portal's button — holder, PIN tries left, certificate validity — with
 * the popup's own components (CardDetails shows the same plus reader and card type).
 */
export function CardSummary({ reader, lang, now }: { reader: ReaderStatus; lang: UiLanguage; now: number }) {
  if (!isCps(reader.cardType) || reader.state !== "present") return null;
  const h = reader.holder;
  if (!h && !reader.pin && !reader.certificate) return null;
  return (
    <dl class="cpsb-facts">
      {h ? (
        <>
          <dt>{t(lang, "card.holder")}</dt>
          <dd class="strong" data-field="holder">
            {holderName(h)}
          </dd>
        </>
      ) : null}
      {reader.pin ? (
        <>
          <dt>{t(lang, "card.pin")}</dt>
          <dd data-field="pin">
            <PinTries pin={reader.pin} lang={lang} />
          </dd>
        </>
      ) : null}
      {reader.certificate ? (
        <>
          <dt>{t(lang, "card.certificate")}</dt>
          <dd data-field="certificate">
            <CertificateValidity cert={reader.certificate} lang={lang} now={now} />
          </dd>
        </>
      ) : null}
    </dl>
  );
}
