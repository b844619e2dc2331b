import type { Holder, ReaderStatus } from "@cps-bridge/protocol/model";
import { cardLabel } from "../../i18n/card-labels";
import { t } from "../../i18n/index";
import { isCps } from "../../shared/situation";
import type { UiLanguage } from "../../shared/state";
import { CertificateValidity } from "./CertificateValidity";
import { PinTries } from "./PinTries";

export function holderName(h: Holder): string {
  return [h.givenName, h.surname].filter((s) => s !== "").join(" ");
}

/** RPPS and ADELI numbers without the PS_IdNat type prefix (`8`+RPPS, `0`+ADELI: cps-card.md §3.2). */
export function holderId(h: Holder, lang: UiLanguage): { label: string; value: string } {
  if (h.idType === "RPPS") return { label: t(lang, "card.rpps"), value: h.nationalId.slice(1) };
  if (h.idType === "ADELI") return { label: t(lang, "card.adeli"), value: h.nationalId.slice(1) };
  return { label: t(lang, "card.structureId"), value: h.nationalId };
}

/** What is known of the card in one reader: holder, identifier, profession, card, certificate, PIN tries. */
export function CardDetails({
  reader,
  lang,
  now = Date.now(),
  stale = false,
}: {
  reader: ReaderStatus;
  lang: UiLanguage;
  now?: number;
  stale?: boolean;
}) {
  const h = reader.holder;
  const id = h ? holderId(h, lang) : undefined;
  return (
    <dl class={`facts${stale ? " stale" : ""}`} data-reader={reader.name}>
      {h ? (
        <>
          <dt>{t(lang, "card.holder")}</dt>
          <dd class="strong" data-field="holder">
            {holderName(h)}
          </dd>
          {id ? (
            <>
              <dt>{id.label}</dt>
              <dd data-field="national-id">{id.value}</dd>
            </>
          ) : null}
          {h.profession !== "" ? (
            <>
              <dt>{t(lang, "card.profession")}</dt>
              <dd data-field="profession">{h.profession}</dd>
            </>
          ) : null}
        </>
      ) : null}
      {reader.state !== "empty" ? (
        <>
          <dt>{t(lang, "card.type")}</dt>
          <dd data-field="card-type">{cardLabel(reader.state === "mute" ? "mute" : reader.cardType, lang)}</dd>
        </>
      ) : null}
      <dt>{t(lang, "card.reader")}</dt>
      <dd data-field="reader">{reader.name}</dd>
      {reader.certificate && isCps(reader.cardType) ? (
        <>
          <dt>{t(lang, "card.certificate")}</dt>
          <dd data-field="certificate">
            <CertificateValidity cert={reader.certificate} lang={lang} now={now} />
          </dd>
        </>
      ) : null}
      {reader.pin && isCps(reader.cardType) ? (
        <>
          <dt>{t(lang, "card.pin")}</dt>
          <dd data-field="pin">
            <PinTries pin={reader.pin} lang={lang} />
          </dd>
        </>
      ) : null}
    </dl>
  );
}
