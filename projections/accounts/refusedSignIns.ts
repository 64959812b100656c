import type { Insertable, Kysely } from 'kysely';
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
    if (rows.length === 0) return;
    await trx
      .insertInto('refused_sign_ins')
      .values(rows)
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  },
  reset: async (trx) => {
    await trx.deleteFrom('refused_sign_ins').execute();
  },
};

export interface RefusedSignIn {
  readonly at: Date;
  readonly username: string;
  readonly known: boolean;
  readonly clientIp: string | null;
  readonly outcome: RefusedSignInsTable['outcome'];
  readonly retryAfterSeconds: number | null;
}

/** The latest refusals, newest first; only those of one username or address when asked. */
export async function latestRefusals(
  db: Kysely<Schema>,
  filter: { readonly username?: string; readonly clientIp?: string },
  limit = 200,
): Promise<RefusedSignIn[]> {
  let query = db.selectFrom('refused_sign_ins').selectAll().orderBy('at', 'desc').limit(limit);
  if (filter.username) {
    query = query.where((eb) =>
      eb(eb.fn('lower', ['username']), '=', filter.username!.toLowerCase()),
    );
  }
  if (filter.clientIp) query = query.where('client_ip', '=', filter.clientIp);
  const rows = await query.execute();
  return rows.map((row) => ({
    at: row.at,
    username: row.username,
    known: row.account_id !== null,
    clientIp: row.client_ip,
    outcome: row.outcome,
    retryAfterSeconds: row.retry_after_seconds,
  }));
}

/** One recorded refusal, for the unlock link that names it; null when there is none. */
export async function refusalById(
  db: Kysely<Schema>,
  eventId: string,
): Promise<(RefusedSignIn & { readonly accountId: string | null }) | null> {
  const row = await db
    .selectFrom('refused_sign_ins')
    .selectAll()
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row
    ? {
        at: row.at,
        username: row.username,
        known: row.account_id !== null,
        accountId: row.account_id,
        clientIp: row.client_ip,
        outcome: row.outcome,
        retryAfterSeconds: row.retry_after_seconds,
      }
    : null;
}
