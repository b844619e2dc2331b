import type { CertificateSummary } from "@cps-bridge/protocol/model";
import { formatDate, t } from "../../i18n/index";
import type { UiLanguage } from "../../shared/state";

const DAY_MS = 86_400_000;
/** Same threshold as the agent's `expiring` (protocol/src/certificate-summary.ts EXPIRING_SOON_DAYS). */
const SOON_DAYS = 30;

/**
 * Validity dates and "expire dans N jours", computed from notAfter and the current clock (a card may sit in the
 * reader for days: the agent's daysLeft is from when it read the card).
 */
export function CertificateValidity({ cert, lang, now }: { cert: CertificateSummary; lang: UiLanguage; now: number }) {
  const from = formatDate(cert.notBefore, lang);
  const to = formatDate(cert.notAfter, lang);
  const notAfter = Date.parse(cert.notAfter);
  const notBefore = Date.parse(cert.notBefore);
  const days = Math.floor((notAfter - now) / DAY_MS);
  let tag: { tone: "ok" | "warn" | "error"; text: string };
  if (now < notBefore) tag = { tone: "error", text: t(lang, "card.notYetValid") };
  else if (now > notAfter) {
    const ago = Math.floor((now - notAfter) / DAY_MS);
    tag = { tone: "error", text: ago >= 1 ? t(lang, "card.expiredDaysAgo", { n: ago }) : t(lang, "card.expired") };
  } else if (days === 0) tag = { tone: "warn", text: t(lang, "card.expiresToday") };
  else if (days === 1) tag = { tone: "warn", text: t(lang, "card.expiresInOneDay") };
  else tag = { tone: days < SOON_DAYS ? "warn" : "ok", text: t(lang, "card.expiresInDays", { n: days }) };
  return (
    <span data-cert-days={days}>
      {t(lang, "card.validFromTo", { from, to })}
      <br />
      {tag.tone === "ok" ? <span class="muted">{tag.text}</span> : <span class={`tag ${tag.tone}`}>{tag.text}</span>}
      {cert.chain === "test" ? (
        <>
          <br />
          <span class="muted small">{t(lang, "card.testChain")}</span>
        </>
      ) : null}
    </span>
  );
}
