/** French display of dates, in the portal's time zone (Europe/Paris), from the model's ISO strings. */

const TZ = "Europe/Paris";
const dateFmt = new Intl.DateTimeFormat("fr-FR", { timeZone: TZ, day: "2-digit", month: "2-digit", year: "numeric" });
const timeFmt = new Intl.DateTimeFormat("fr-FR", { timeZone: TZ, hour: "2-digit", minute: "2-digit" });

export function frDate(iso: string | undefined): string {
  if (!iso) return "";
  // Plain dates (birth dates, entry dates) are calendar dates, not instants.
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [y, m, d] = iso.split("-");
    return `${d}/${m}/${y}`;
  }
  return dateFmt.format(new Date(iso));
}

export function frDateTime(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return `${dateFmt.format(d)} ${timeFmt.format(d)}`;
}

export function ageAt(birth: string, now: Date): number {
  const [y, m, d] = birth.split("-").map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--;
  return age;
}

export function ageLabel(birth: string, now: Date): string {
  const a = ageAt(birth, now);
  return a >= 2 ? `${a} ans` : a === 1 ? "1 an" : "moins d'un an";
}

export function mmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}
