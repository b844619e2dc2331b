import type { Tone } from "../../shared/situation";

/** The shape of each status glyph: it differs per tone, so colour is never the only signal. */
function glyph(tone: Tone) {
  switch (tone) {
    case "ok":
      return (
        <>
          <circle cx="12" cy="12" r="10" />
          <path d="M7.5 12.5l3 3 6-6.5" stroke-linecap="round" stroke-linejoin="round" />
        </>
      );
    case "warn":
      return (
        <>
          <path d="M12 3.5L2.8 19.5h18.4L12 3.5z" stroke-linejoin="round" />
          <path d="M12 10v4.5M12 17.3v.2" stroke-linecap="round" />
        </>
      );
    case "error":
      return (
        <>
          <circle cx="12" cy="12" r="10" />
          <path d="M8.5 8.5l7 7M15.5 8.5l-7 7" stroke-linecap="round" />
        </>
      );
    case "busy":
      return (
        <>
          <circle cx="12" cy="12" r="10" stroke-dasharray="4 3.2" />
          <path d="M12 7v5l3 2" stroke-linecap="round" />
        </>
      );
    default:
      return (
        <>
          <circle cx="12" cy="12" r="10" />
          <path d="M12 11v6M12 7.3v.2" stroke-linecap="round" />
        </>
      );
  }
}

/** Decorative (the headline next to it says the same in words), drawn with currentColor. */
export function StatusIcon({ tone }: { tone: Tone }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width={2.2} aria-hidden="true">
      {glyph(tone)}
    </svg>
  );
}
