import {
  addMonths,
  dueDate,
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
