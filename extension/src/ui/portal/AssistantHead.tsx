import { t } from "../../i18n/index";
import type { UiLanguage } from "../../shared/state";
import { Logo } from "../components/Logo";

/** Who is speaking, on a page that is not ours: the extension's mark and name. */
export function AssistantHead({ lang }: { lang: UiLanguage }) {
  return (
    <div class="cpsb-head">
      <Logo size={20} />
      <span class="brand">{t(lang, "app.name")}</span>
      <span>·</span>
      <span>{t(lang, "portal.brand")}</span>
    </div>
  );
}
