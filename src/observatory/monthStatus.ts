import {
  addMonths,
  daysLate,
  dueDate,
  fundingThresholdDays,
  monthLabel,
  monthOf,
  monthsBetween,
  romeDay,
  type YearMonth,
} from '../../domain/observatory/months.js';
import type { WasteFlowRow } from '../../projections/observatory/wasteFlows.js';

export type MonthState =
  'future' | 'current' | 'due' | 'missing' | 'filed' | 'late' | 'draft' | 'unlocked';

export interface MonthSummary {
  readonly month: YearMonth;
  readonly label: string;
  readonly dueDate: string;
  readonly state: MonthState;
  readonly flow: WasteFlowRow | null;
  /** RD% of the filed version, null when nothing counted. */
  readonly rate: number | null;
  /** More than 30 days late, filed or not: the municipality loses regional waste funding. */
  readonly funding: boolean;
}

/** Where a month stands for the dashboard: filed (on time or late), due, missing, or not yet. */
export function monthState(
  month: YearMonth,
  flow: WasteFlowRow | undefined,
  now: Date,
): MonthState {
  const distance = monthsBetween(month, monthOf(now));
  if (flow && flow.versions > 0) {
    if (flow.status === 'unlocked') return 'unlocked';
    return (flow.daysLate ?? 0) > 0 ? 'late' : 'filed';
  }
  if (distance < 0) return 'future';
  if (distance === 0) return flow ? 'draft' : 'current';
  if (romeDay(now) > dueDate(month)) return 'missing';
  return flow ? 'draft' : 'due';
}

/**
 * The funding flag (L.R. 8/2018): a month first filed more than 30 days after its due date, or
 * still not filed 30 days after it. A later version after an unlock does not change it.
 */
export function affectsFunding(
  month: YearMonth,
  flow: WasteFlowRow | undefined,
  now: Date,
): boolean {
  if (flow && flow.versions > 0) return flow.affectsFunding;
  return daysLate(month, now) > fundingThresholdDays;
}

export const rateOf = (flow: Pick<WasteFlowRow, 'separateKg' | 'unsortedKg'>): number | null =>
  flow.separateKg + flow.unsortedKg === 0
    ? null
    : flow.separateKg / (flow.separateKg + flow.unsortedKg);

/** The twelve months of a year with their state. */
export function yearSummary(
  year: number,
  flows: readonly WasteFlowRow[],
  now: Date,
): MonthSummary[] {
  const byMonth = new Map(flows.map((flow) => [flow.month, flow]));
  return Array.from({ length: 12 }, (_, index) => {
    const month = addMonths(`${year}-01`, index);
    const flow = byMonth.get(month);
    return {
      month,
      label: monthLabel(month),
      dueDate: dueDate(month),
      state: monthState(month, flow, now),
      flow: flow ?? null,
      rate: flow && flow.versions > 0 ? rateOf(flow) : null,
      funding: affectsFunding(month, flow, now),
    };
  });
}

export const stateLabels: Record<MonthState, string> = {
  future: '—',
  current: 'In corso',
  due: 'Da inviare',
  missing: 'Mancante (oltre la scadenza)',
  filed: 'Inviato',
  late: 'Inviato in ritardo',
  draft: 'Bozza',
  unlocked: 'Sbloccato: da reinviare',
};

/** A month's state as the CSV files write it: Italian codes, one word each. */
export const stateCodes: Record<MonthState, string> = {
  future: 'futuro',
  current: 'in_corso',
  due: 'da_inviare',
  missing: 'mancante',
  filed: 'inviato',
  late: 'inviato_in_ritardo',
  draft: 'bozza',
  unlocked: 'sbloccato',
};

/** What the funding flag says, beside a month's state. */
export const fundingLabel = 'oltre 30 giorni dalla scadenza: incide sui finanziamenti regionali';

export const stateBadges: Record<MonthState, string> = {
  future: 'bg-light text-dark',
  current: 'bg-secondary',
  due: 'bg-warning text-white',
  missing: 'bg-danger',
  filed: 'bg-success',
  late: 'bg-warning text-white',
  draft: 'bg-secondary',
  unlocked: 'bg-info text-dark',
};
