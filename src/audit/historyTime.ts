/**
 * Auditors type times as Italians read them (Europe/Rome, summer time included); the log stores
 * ISO-8601 UTC instants. These convert between the two without a time-zone library.
 */
const romeParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Minutes Rome is ahead of UTC at this instant (60 or 120). */
function romeOffsetMinutes(at: Date): number {
  const part = (type: string) =>
    Number(romeParts.formatToParts(at).find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export interface LocalInstant {
  /** The instant the typed value names, ISO UTC: a value without seconds names second :00. */
  readonly start: string;
  /**
   * The first instant after its second: «fino al» takes in the second typed and nothing later.
   * Browsers drop «:00» from a datetime-local value, so a minute alone is that minute's :00.
   */
  readonly end: string;
}

/** A `datetime-local` value read as Rome time; null when it is not a valid date and time. */
export function romeLocal(value: string): LocalInstant | null {
  const match = localPattern.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((n) => Number(n ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23) return null;
  // The offset at the wall time read as UTC is right except within hours of a change: re-check.
  let instant = wall - romeOffsetMinutes(new Date(wall)) * 60_000;
  instant = wall - romeOffsetMinutes(new Date(instant)) * 60_000;
  return {
    start: new Date(instant).toISOString(),
    end: new Date(instant + 1_000).toISOString(),
  };
}

/**
 * An ISO instant as a `datetime-local` value in Rome time, to seconds; '' for what is not an
 * instant (a row altered in the database may hold anything: the page still opens).
 */
export function toRomeLocal(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const shifted = new Date(at.getTime() + romeOffsetMinutes(at) * 60_000);
  return shifted.toISOString().slice(0, 19);
}

const romeFormat = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  dateStyle: 'short',
  timeStyle: 'medium',
});

/** "23/11/26, 11:00:00": an instant for people, in Rome time. */
export const romeDisplay = (iso: string): string => {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : romeFormat.format(at);
};
