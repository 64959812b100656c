/** Numbers and dates as an Italian reader expects them in a printed document. */

// 'always': it-IT would otherwise leave four-digit numbers ungrouped (1234,5 instead of 1.234,5).
const numberFormat = new Intl.NumberFormat('it-IT', {
  maximumFractionDigits: 3,
  useGrouping: 'always',
});
const integerFormat = new Intl.NumberFormat('it-IT', { useGrouping: 'always' });
const rateFormat = new Intl.NumberFormat('it-IT', {
  maximumFractionDigits: 9,
  useGrouping: 'always',
});
const euroFormat = new Intl.NumberFormat('it-IT', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  useGrouping: 'always',
});
const percentFormat = new Intl.NumberFormat('it-IT', {
  style: 'percent',
  maximumFractionDigits: 2,
});
const romeDateTime = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export const formatNumber = (value: number): string => numberFormat.format(value);
export const formatInteger = (value: number): string => integerFormat.format(value);
export const formatRate = (value: number): string => rateFormat.format(value);
export const formatEuro = (value: number): string => `${euroFormat.format(value)} €`;
export const formatPercent = (share: number): string => percentFormat.format(share);
export const formatVolume = (cubicMetres: number): string => `${formatNumber(cubicMetres)} m³`;
export const formatBytes = (bytes: number): string => `${formatInteger(bytes)} byte`;

/** An instant as dd/mm/yyyy hh:mm:ss in Italian time (Europe/Rome, summer time included). */
export function formatRomeDateTime(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new Error(`Not an instant: ${String(instant)}`);
  const parts = romeDateTime.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}/${part('month')}/${part('year')} ${part('hour')}:${part('minute')}:${part('second')}`;
}
