import type { Kysely } from 'kysely';
import {
  initialFlowState,
  type FlowStatus,
  type MonthlyFlowState,
} from '../../domain/observatory/monthlyFlow.js';
import type { Schema } from '../../src/platform/db/schema.js';

/** A municipality's month as its officer edits it; a month nobody touched yet is empty. */
export async function monthlyFlowOf(
  db: Kysely<Schema>,
  istatCode: string,
  month: string,
): Promise<MonthlyFlowState> {
  const row = await db
    .selectFrom('waste_flows')
    .select(['status', 'rows', 'versions', 'first_submitted_at', 'unlock_reason'])
    .where('istat_code', '=', istatCode)
    .where('month', '=', month)
    .executeTakeFirst();
  if (!row) return initialFlowState();
  return {
    status: row.status as FlowStatus,
    rows: row.rows,
    versions: row.versions,
    firstSubmittedAt: row.first_submitted_at?.toISOString() ?? null,
    unlockReason: row.unlock_reason,
  };
}
