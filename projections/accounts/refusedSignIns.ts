import type { Insertable, Kysely, Selectable } from 'kysely';
import { signInStream, unknownAccount } from '../../domain/accounts/signIns.js';
import type { RefusedSignInsTable, Schema } from '../../src/platform/db/schema.js';
import type { RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';

/** A refused login as the log recorded it: a failure, or an attempt held back by the limits. */
function refusalRow(event: RecordedEvent): Insertable<RefusedSignInsTable>[] {
  if (!signInStream.holds(event)) return [];
  const accountId = signInStream.parse(event.streamId);
  const common = {
    event_id: event.metadata.eventId,
    at: event.metadata.occurredAt,
    username: event.data.username,
    account_id: accountId === unknownAccount ? null : accountId,
    client_ip: event.metadata.clientIp,
  };
  switch (event.type) {
    case 'SignInFailed':
      return [{ ...common, outcome: event.data.reason, retry_after_seconds: null }];
    case 'SignInThrottled':
      return [
        {
          ...common,
          outcome: `throttled-${event.data.scope}`,
          retry_after_seconds: event.data.retryAfterSeconds,
          attempts: event.data.attemptsThisMinute ?? 1,
        },
      ];
    default:
      return [];
  }
}

/** The operators' list of refused logins, with the address each came from. */
export const refusedSignInsProjection: Projection = {
  name: 'refused_sign_ins',
  async apply(trx, events) {
    const rows = events.flatMap(refusalRow);
    if (rows.length > 0) {
      await trx
        .insertInto('refused_sign_ins')
        .values(rows)
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
    }
    // An unlock link works once: the refusal it names is marked as used.
    for (const event of events.filter(signInStream.holds)) {
      if (event.type !== 'SignInUnlocked') continue;
      await trx
        .updateTable('refused_sign_ins')
        .set({ unlocked_at: event.metadata.occurredAt })
        .where('event_id', '=', event.data.throttledEventId)
        .execute();
    }
  },
  tables: ['refused_sign_ins'],
};

export interface RefusedSignIn {
  readonly at: Date;
  readonly username: string;
  readonly accountId: string | null;
  readonly clientIp: string | null;
  readonly outcome: RefusedSignInsTable['outcome'];
  readonly retryAfterSeconds: number | null;
  /** Refused in the same minute, as far as recorded. */
  readonly attempts: number;
  /** When the unlock link that names this refusal was used. */
  readonly unlockedAt: Date | null;
}

const toRefusal = (row: Selectable<RefusedSignInsTable>): RefusedSignIn => ({
  at: row.at,
  username: row.username,
  accountId: row.account_id,
  clientIp: row.client_ip,
  outcome: row.outcome,
  retryAfterSeconds: row.retry_after_seconds,
  attempts: row.attempts,
  unlockedAt: row.unlocked_at,
});

/** How many refusals the operators' page lists at most. */
export const refusalsShown = 200;

/** The latest refusals, newest first; only those of one username or address when asked. */
export async function latestRefusals(
  db: Kysely<Schema>,
  filter: { readonly username?: string; readonly clientIp?: string },
): Promise<RefusedSignIn[]> {
  let query = db
    .selectFrom('refused_sign_ins')
    .selectAll()
    .orderBy('at', 'desc')
    .limit(refusalsShown);
  if (filter.username) {
    const username = filter.username.toLowerCase();
    query = query.where((eb) => eb(eb.fn('lower', ['username']), '=', username));
  }
  if (filter.clientIp) query = query.where('client_ip', '=', filter.clientIp);
  return (await query.execute()).map(toRefusal);
}

/** One recorded refusal, for the unlock link that names it; null when there is none. */
export async function refusalById(
  db: Kysely<Schema>,
  eventId: string,
): Promise<RefusedSignIn | null> {
  const row = await db
    .selectFrom('refused_sign_ins')
    .selectAll()
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row ? toRefusal(row) : null;
}
