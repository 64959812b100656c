import { sql, type Kysely } from 'kysely';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { Schema } from '../platform/db/schema.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import { systemContext } from './staffAccounts.js';

/**
 * How long a closed account's person stays readable in the log: the declarations they signed are
 * kept ten years (privacy notice), and closure comes after the last of them.
 */
export const personalDataRetentionYears = 10;

export const retentionReason = `Conservazione scaduta: ${personalDataRetentionYears} anni dalla chiusura dell'account`;

/** Closed accounts whose retention is over and whose person is still readable. */
export async function retentionExpired(db: Kysely<Schema>, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('accounts')
    .select('account_id')
    .where('status', '=', 'closed')
    .where('erased_at', 'is', null)
    .where(
      'closed_at',
      '<=',
      sql<Date>`${now.toISOString()}::timestamptz - make_interval(years => ${personalDataRetentionYears})`,
    )
    .orderBy('closed_at')
    .execute();
  return rows.map((row) => row.account_id);
}

/**
 * Erases the person of every account past retention, as the system, with the reason. The command
 * id is the account's: a second process or a rerun finds it done (or the decider says erased).
 * One account that fails does not hold up the others: the failures are thrown together after.
 */
export async function erasePastRetention(
  deps: { readonly db: Kysely<Schema>; readonly store: EventStore },
  now: Date,
): Promise<number> {
  let erased = 0;
  const failures: unknown[] = [];
  for (const accountId of await retentionExpired(deps.db, now)) {
    try {
      const result = await handleCommand(
        deps.store,
        accountDecider,
        accountStream.id(accountId),
        { type: 'ErasePersonalData', reason: retentionReason },
        { ...systemContext(now), commandId: `retention-erasure:${accountId}` },
      );
      if (result.events.length > 0) erased++;
    } catch (error) {
      // Erased meanwhile (by an administrator, or by another process's sweep).
      if (!(error instanceof DomainError && error.code === 'PersonalDataErased'))
        failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'Retention erasure failed');
  return erased;
}
