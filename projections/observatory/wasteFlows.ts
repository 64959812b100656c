import type { Recorded } from '../../src/platform/eventStore/eventStore.js';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import type { Kysely, Selectable } from 'kysely';
import type { FlowEvent, FlowRow } from '../../domain/observatory/flowEvents.js';
import {
  evolveFlow,
  initialFlowState,
  type FlowStatus,
  type ListedFlowVersion,
  type RegionReturn,
} from '../../domain/observatory/monthlyFlow.js';
import { separateCollectionRate } from '../../domain/observatory/reference/separateCollection.js';
import type { Schema, WasteFlowsTable } from '../../src/platform/db/schema.js';
import { keyPairsIn, upsertRows } from '../../src/platform/subscriptions/readModelRows.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';

/** A municipality's month as the dashboards and the open data show it. */
export interface WasteFlowRow {
  readonly istatCode: string;
  readonly month: string;
  readonly status: FlowStatus;
  readonly versions: number;
  readonly rows: readonly FlowRow[];
  /** The last submitted version's rows: what the open data publishes. */
  readonly submittedRows: readonly FlowRow[];
  readonly firstSubmittedAt: string | null;
  readonly lastSubmittedAt: string | null;
  /** Who submitted the last version, 'cf:<fiscal code>': the municipality's user or a delegate. */
  readonly submittedBy: string | null;
  readonly daysLate: number | null;
  readonly affectsFunding: boolean;
  /** Figures of the last submitted version, in kilograms (exact sums). */
  readonly separateKg: number;
  readonly unsortedKg: number;
  readonly neutralKg: number;
  readonly unlockReason: string | null;
  readonly unlockRequestedAt: string | null;
  /** Each version submitted, for the month's page (their rows stay in the log). */
  readonly submittedVersions: readonly ListedFlowVersion[];
  readonly regionReturn: RegionReturn | null;
}

const kilograms = (tonnes: number) => Math.round(tonnes * 1000);

export function evolveWasteFlowRow(
  row: WasteFlowRow | undefined,
  event: FlowEvent,
  at: string,
): WasteFlowRow {
  const base: WasteFlowRow = row ?? {
    istatCode: event.data.istatCode,
    month: event.data.month,
    status: 'empty',
    versions: 0,
    rows: [],
    submittedRows: [],
    firstSubmittedAt: null,
    lastSubmittedAt: null,
    submittedBy: null,
    daysLate: null,
    affectsFunding: false,
    separateKg: 0,
    unsortedKg: 0,
    neutralKg: 0,
    unlockReason: null,
    unlockRequestedAt: null,
    submittedVersions: [],
    regionReturn: null,
  };
  const state = evolveFlow(
    {
      ...initialFlowState(),
      status: base.status,
      rows: base.rows,
      versions: base.versions,
      firstSubmittedAt: base.firstSubmittedAt,
      unlockReason: base.unlockReason,
    },
    event,
  );
  const next = {
    ...base,
    status: state.status,
    rows: state.rows,
    versions: state.versions,
    firstSubmittedAt: state.firstSubmittedAt,
    unlockReason: state.unlockReason,
  };
  switch (event.type) {
    case 'MonthlyFlowSubmitted': {
      const figures = separateCollectionRate(event.data.rows);
      return {
        ...next,
        submittedRows: event.data.rows,
        lastSubmittedAt: event.data.submittedAt,
        submittedBy: event.data.submittedBy,
        daysLate: base.daysLate ?? event.data.daysLate,
        affectsFunding: base.affectsFunding || event.data.affectsFunding,
        separateKg: kilograms(figures.separate),
        unsortedKg: kilograms(figures.unsorted),
        neutralKg: kilograms(figures.neutral),
        unlockRequestedAt: null,
        // Each version once, though an event be applied again (a checkpoint behind the rows
        // migration 0038 filled).
        submittedVersions: [
          ...base.submittedVersions.filter((listed) => listed.version !== event.data.version),
          {
            version: event.data.version,
            submittedAt: event.data.submittedAt,
            submittedBy: event.data.submittedBy,
            daysLate: event.data.daysLate,
          },
        ],
        regionReturn: base.regionReturn && { ...base.regionReturn, resubmitted: true },
      };
    }
    case 'FlowUnlockRequested':
      return { ...next, unlockRequestedAt: at };
    case 'MonthlyFlowReturned':
      return {
        ...next,
        unlockRequestedAt: null,
        regionReturn: { remarks: event.data.remarks, returnedAt: at, resubmitted: false },
      };
    case 'MonthlyFlowUnlocked':
    case 'FlowUnlockRejected':
      return { ...next, unlockRequestedAt: null };
    default:
      return next;
  }
}

export const wasteFlowsProjection = rowProjection<WasteFlowRow, Recorded<FlowEvent>>({
  name: 'waste_flows',
  follows: flowStream.holds,
  keyOf: (event) => flowStream.parse(event.streamId),
  evolve: (row, event) => evolveWasteFlowRow(row, event, event.metadata.occurredAt),
  async load(trx, keys) {
    const pairs = keys.map((key) => [key.slice(0, 6), key.slice(7)] as const);
    const rows = await trx
      .selectFrom('waste_flows')
      .selectAll()
      .where(keyPairsIn(['istat_code', 'month'], ['text', 'text'], pairs))
      .execute();
    return new Map(rows.map((row) => [`${row.istat_code}-${row.month}`, fromTableRow(row)]));
  },
  save: (trx, rows) =>
    upsertRows(trx, 'waste_flows', ['istat_code', 'month'], rows.map(toTableRow)),
  table: 'waste_flows',
});

const toTableRow = (row: WasteFlowRow) => ({
  istat_code: row.istatCode,
  month: row.month,
  status: row.status,
  versions: row.versions,
  rows: JSON.stringify(row.rows),
  submitted_rows: JSON.stringify(row.submittedRows),
  first_submitted_at: row.firstSubmittedAt,
  last_submitted_at: row.lastSubmittedAt,
  submitted_by: row.submittedBy,
  days_late: row.daysLate,
  affects_funding: row.affectsFunding,
  separate_kg: row.separateKg,
  unsorted_kg: row.unsortedKg,
  neutral_kg: row.neutralKg,
  unlock_reason: row.unlockReason,
  unlock_requested_at: row.unlockRequestedAt,
  submitted_versions: JSON.stringify(row.submittedVersions),
  region_return: row.regionReturn && JSON.stringify(row.regionReturn),
});

const fromTableRow = (row: Selectable<WasteFlowsTable>): WasteFlowRow => ({
  istatCode: row.istat_code,
  month: row.month,
  status: row.status as FlowStatus,
  versions: row.versions,
  rows: row.rows,
  submittedRows: row.submitted_rows,
  firstSubmittedAt: row.first_submitted_at?.toISOString() ?? null,
  lastSubmittedAt: row.last_submitted_at?.toISOString() ?? null,
  submittedBy: row.submitted_by,
  daysLate: row.days_late,
  affectsFunding: row.affects_funding,
  separateKg: Number(row.separate_kg),
  unsortedKg: Number(row.unsorted_kg),
  neutralKg: Number(row.neutral_kg),
  unlockReason: row.unlock_reason,
  unlockRequestedAt: row.unlock_requested_at?.toISOString() ?? null,
  submittedVersions: row.submitted_versions,
  regionReturn: row.region_return,
});

/** The months of a year for one municipality, or for all (the admin's grid, the open data). */
export async function flowsOfYear(
  db: Kysely<Schema>,
  year: number,
  istatCode?: string,
): Promise<WasteFlowRow[]> {
  let query = db.selectFrom('waste_flows').selectAll().where('month', 'like', `${year}-%`);
  if (istatCode) query = query.where('istat_code', '=', istatCode);
  return (await query.orderBy('istat_code').orderBy('month').execute()).map(fromTableRow);
}

export async function pendingUnlocks(db: Kysely<Schema>): Promise<WasteFlowRow[]> {
  const rows = await db
    .selectFrom('waste_flows')
    .selectAll()
    .where('status', '=', 'unlock-requested')
    .orderBy('unlock_requested_at')
    .execute();
  return rows.map(fromTableRow);
}

/** RD% = separate / (separate + unsorted); null when nothing counted. */
export const rate = (
  flows: readonly Pick<WasteFlowRow, 'separateKg' | 'unsortedKg'>[],
): number | null => {
  const separate = flows.reduce((sum, flow) => sum + flow.separateKg, 0);
  const unsorted = flows.reduce((sum, flow) => sum + flow.unsortedKg, 0);
  return separate + unsorted === 0 ? null : separate / (separate + unsorted);
};
