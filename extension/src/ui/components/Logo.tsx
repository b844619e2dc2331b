/** The extension glyph (same drawing as the toolbar icons, tools/make-icons.ts): a card with a check mark. */
export function Logo({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect x="2" y="6" width="28" height="20" rx="3.5" fill="#1f5fa8" />
      <rect x="6" y="11" width="6" height="5" rx="1" fill="#f4c95d" />
      <path
        d="M15 17.5l3.2 3.2 6.8-7.2"
        fill="none"
        stroke="#fff"
        stroke-width="2.8"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
