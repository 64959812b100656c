import type { Kysely } from 'kysely';
import {
  initialFlowState,
  type FlowStatus,
  type ListedFlowVersion,
  type MonthlyFlowState,
  type RegionReturn,
} from '../../domain/observatory/monthlyFlow.js';
import type { Schema } from '../../src/platform/db/schema.js';

/** A municipality's month as its page shows it: the month, its versions, the Region's word. */
export interface MonthOnRecord extends MonthlyFlowState {
  readonly submittedVersions: readonly ListedFlowVersion[];
  readonly regionReturn: RegionReturn | null;
  /** The Region validated the month's year: its months are not unlocked on request. */
  readonly yearValidated: boolean;
}

/**
 * A municipality's month as its officer edits it, in one statement; a month nobody touched yet is
 * empty (and its year not validated: a year is validated only with every month filed).
 */
export async function monthlyFlowOf(
  db: Kysely<Schema>,
  istatCode: string,
  month: string,
): Promise<MonthOnRecord> {
  const row = await db
    .selectFrom('waste_flows')
    .select((eb) => [
      'status',
      'rows',
      'versions',
      'first_submitted_at',
      'unlock_reason',
      'submitted_versions',
      'region_return',
      eb
        .exists(
          eb
            .selectFrom('observatory_year_validations')
            .select('status')
            .where('istat_code', '=', istatCode)
            .where('year', '=', Number(month.slice(0, 4)))
            .where('status', '=', 'validato'),
        )
        .as('year_validated'),
    ])
    .where('istat_code', '=', istatCode)
    .where('month', '=', month)
    .executeTakeFirst();
  if (!row)
    return {
      ...initialFlowState(),
      submittedVersions: [],
      regionReturn: null,
      yearValidated: false,
    };
  return {
    status: row.status as FlowStatus,
    rows: row.rows,
    versions: row.versions,
    firstSubmittedAt: row.first_submitted_at?.toISOString() ?? null,
    unlockReason: row.unlock_reason,
    submittedVersions: row.submitted_versions,
    regionReturn: row.region_return,
    yearValidated: Boolean(row.year_validated),
  };
}
