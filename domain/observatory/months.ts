import { daysBetween } from '../shared/italianDate.js';

/** A reference month, 'YYYY-MM'. Months are counted in the Italian calendar (Europe/Rome). */
export type YearMonth = string;

const romeDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

// A page asks the day of the same instant (its "now") for every municipality and month.
let lastDay = { time: Number.NaN, day: '' };

/** 'YYYY-MM-DD' of an instant in Italy. */
export const romeDay = (at: Date): string => {
  const time = at.getTime();
  if (time !== lastDay.time) lastDay = { time, day: romeDate.format(at) };
  return lastDay.day;
};

export const monthOf = (at: Date): YearMonth => romeDay(at).slice(0, 7);

export const isYearMonth = (value: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

const index = (month: YearMonth): number => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return year * 12 + (m - 1);
};

const fromIndex = (i: number): YearMonth =>
  `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

export const addMonths = (month: YearMonth, n: number): YearMonth => fromIndex(index(month) + n);

/** How many months `earlier` precedes `later` (February precedes April by 2). */
export const monthsBetween = (earlier: YearMonth, later: YearMonth): number =>
  index(later) - index(earlier);

/** The 15th of the following month (L.R. 8/2018 art. 8), the last day to file on time. */
export const dueDate = (month: YearMonth): string => `${addMonths(month, 1)}-15`;

/** Days after the due date, in Italian calendar days; 0 when on time. */
export const daysLate = (month: YearMonth, submittedAt: Date): number =>
  Math.max(0, daysBetween(dueDate(month), romeDay(submittedAt)));

/** More than 30 days late: the municipality loses access to regional waste funding. */
export const fundingThresholdDays = 30;

/** The seed's rule: an unlock only for the 4 months preceding the request's month. */
export const unlockWindowMonths = 4;

export const mayRequestUnlock = (month: YearMonth, requestedAt: Date): boolean => {
  const distance = monthsBetween(month, monthOf(requestedAt));
  return distance >= 1 && distance <= unlockWindowMonths;
};

/** The months an unlock may be asked for at an instant: the 4 before its month, oldest first. */
export const unlockWindow = (requestedAt: Date): { from: YearMonth; to: YearMonth } => {
  const current = monthOf(requestedAt);
  return { from: addMonths(current, -unlockWindowMonths), to: addMonths(current, -1) };
};

/** The last day ('YYYY-MM-DD') on which an unlock of the month may be asked. */
export const lastUnlockDay = (month: YearMonth): string => {
  const last = addMonths(month, unlockWindowMonths);
  const [year, m] = last.split('-').map(Number) as [number, number];
  // Day 0 of the following month is the last day of this one.
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${last}-${String(days).padStart(2, '0')}`;
};

const monthNames = [
  'gennaio',
  'febbraio',
  'marzo',
  'aprile',
  'maggio',
  'giugno',
  'luglio',
  'agosto',
  'settembre',
  'ottobre',
  'novembre',
  'dicembre',
];

/** 'ottobre 2026' */
export const monthLabel = (month: YearMonth): string => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `${monthNames[m - 1]} ${year}`;
};
