/**
 * How text typed in a cell becomes a number or a date. Decisions (also in index.ts):
 * - numbers: a numeric cell as it is; text in Italian form ("1.234,5", "1234,5") or with a decimal
 *   point ("1234.5"); spaces are ignored. "1.234" alone is ambiguous (a thousand or one point
 *   two?) and is refused rather than guessed.
 * - dates: a date cell, a serial number, or text as dd/mm/yyyy (also with - or .) or yyyy-mm-dd.
 *   Two-digit years are refused.
 */

export type ParsedNumber =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly ambiguous: boolean };

const ITALIAN = /^-?([1-9]\d{0,2}(\.\d{3})+|\d+),\d+$/;
const THOUSANDS_ONLY = /^-?[1-9]\d{0,2}(\.\d{3})+$/;
const PLAIN = /^-?\d+(\.\d+)?$/;

export function parseNumberText(text: string): ParsedNumber {
  const compact = text.replace(/[\s\u00a0\u202f']/g, '').replace(/^\+/, '');
  if (THOUSANDS_ONLY.test(compact) && compact.includes('.')) {
    return { ok: false, ambiguous: true };
  }
  if (ITALIAN.test(compact)) {
    return { ok: true, value: Number(compact.replace(/\./g, '').replace(',', '.')) };
  }
  if (PLAIN.test(compact)) return { ok: true, value: Number(compact) };
  return { ok: false, ambiguous: false };
}

const iso = (year: number, month: number, day: number): string | null => {
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid =
    year >= 1900 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  return valid ? date.toISOString().slice(0, 10) : null;
};

/** ISO date of a text date, or null. */
export function parseDateText(text: string): string | null {
  const t = text.trim();
  const italian = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (italian) return iso(Number(italian[3]), Number(italian[2]), Number(italian[1]));
  const isoLike = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$/.exec(t);
  if (isoLike) return iso(Number(isoLike[1]), Number(isoLike[2]), Number(isoLike[3]));
  return null;
}

const DAY_MS = 86_400_000;

/** ISO date of an Excel serial number (1900 system, or 1904); the time of day is dropped. */
export function serialToIsoDate(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null;
  const days = Math.floor(serial + 1 / 172_800);
  // 1900 system: serial 60 is Excel's non-existent 29/02/1900, so day 0 is 30/12/1899 after it.
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, days > 60 ? 30 : 31);
  return new Date(epoch + days * DAY_MS).toISOString().slice(0, 10);
}

/** dd/mm/yyyy of an ISO date, for messages. */
export const italianDate = (isoDate: string): string =>
  `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;
