/** ISO date (YYYY-MM-DD) as dd/mm/yyyy, without going through a time zone. */
export function formatDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!match) throw new Error(`Not an ISO date: ${isoDate}`);
  const [, year, month, day] = match;
  return `${day}/${month}/${year}`;
}

const romeDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The day an instant falls on in Italy, as an ISO date (YYYY-MM-DD). */
export const romeDay = (at: Date): string => romeDate.format(at);

const dayNumber = (isoDay: string): number => Date.parse(`${isoDay}T00:00:00Z`) / 86_400_000;

/** The calendar day `n` days after an ISO date (before it when `n` is negative). */
export const addDays = (isoDay: string, n: number): string =>
  new Date((dayNumber(isoDay) + n) * 86_400_000).toISOString().slice(0, 10);

/** Calendar days from `earlier` to `later` (negative when `later` comes first). */
export const daysBetween = (earlier: string, later: string): number =>
  dayNumber(later) - dayNumber(earlier);
