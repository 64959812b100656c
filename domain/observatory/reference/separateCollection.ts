/**
 * The separate-collection rate (RD%) of DM 26 May 2016: separate / (separate + unsorted), with the
 * neutral fractions left out of both. Each row is classed by the tag of its EER code; bulky waste
 * and street sweepings ('depends-on-destination') by the operation at their destination plant.
 */
import { eerCode, type RdClass } from './eerCodes.js';
import { isRecovery } from './treatmentOperations.js';

export interface FlowQuantity {
  readonly eerCode: string;
  /** Tonnes, up to 3 decimals (whole kilograms). */
  readonly tonnes: number;
  /** R/D operation at the destination plant, e.g. 'R13', 'D1'. */
  readonly operation: string;
}

export interface SeparateCollectionRate {
  /** Tonnes counted as separate collection. */
  readonly separate: number;
  /** Tonnes counted as unsorted. */
  readonly unsorted: number;
  /** Tonnes left out of the rate. */
  readonly neutral: number;
  /** separate / (separate + unsorted), between 0 and 1; null when both are 0. */
  readonly rate: number | null;
}

/**
 * Where a row counts. A row whose fate decides counts as separate only when its operation is a
 * recovery one (R1–R13): disposal, and anything not shown to be recovery, counts as unsorted.
 */
export function rdClassOf(row: FlowQuantity): Exclude<RdClass, 'depends-on-destination'> {
  const entry = eerCode(row.eerCode);
  if (!entry) throw new Error(`Unknown EER code ${row.eerCode}`);
  if (entry.rdClass !== 'depends-on-destination') return entry.rdClass;
  return isRecovery(row.operation) ? 'separate' : 'unsorted';
}

/**
 * The tonnes per class and the rate of a set of rows (a month, a year, a region). Sums run in
 * whole kilograms so that 0.1 + 0.2 t is 0.3 t; rows are expected to carry known EER codes.
 */
export function separateCollectionRate(rows: readonly FlowQuantity[]): SeparateCollectionRate {
  const kilograms = { separate: 0, unsorted: 0, neutral: 0 };
  for (const row of rows) kilograms[rdClassOf(row)] += Math.round(row.tonnes * 1000);
  const counted = kilograms.separate + kilograms.unsorted;
  return {
    separate: kilograms.separate / 1000,
    unsorted: kilograms.unsorted / 1000,
    neutral: kilograms.neutral / 1000,
    rate: counted === 0 ? null : kilograms.separate / counted,
  };
}

/** A rate as Italian pages and files write it, one decimal and a comma: 0.6129 → '61,3'. */
export const ratePercent = (rate: number): string => (rate * 100).toFixed(1).replace('.', ',');
