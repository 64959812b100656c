import { sql, type Kysely, type RawBuilder } from 'kysely';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import { signInStream } from '../../domain/accounts/signIns.js';
import { usernameStream } from '../../domain/accounts/usernameClaim.js';
import { auditLogOf, eventsTable } from '../audit/auditLog.js';
import { holdsSecret } from '../audit/redact.js';
import type { Schema } from '../platform/db/schema.js';
import type {
  EventMetadata,
  EventStore,
  JsonObject,
  JsonValue,
} from '../platform/eventStore/eventStore.js';

/**
 * How many of the person's sign-ins and actions one export holds at most, newest first: an
 * operator's years of work would otherwise make a file no one can open. The account's own stream
 * and its username claim are always whole. The file says when the limit cut anything.
 */
export const exportedEventsLimit = 10_000;

/** An event of the log as the person receives it: no secret, nobody else's address. */
export interface ExportedEvent {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly occurredAt: string;
  /** Empty when the event is about someone or something else (see `dataLeftOut`). */
  readonly data: JsonObject;
  /**
   * True for an event whose content is not this person's data: something they did to another
   * stream (a contract, another account), or, on an organisation's stream, another person's
   * invitation, role or departure. What, where and when stay; the content is left out.
   */
  readonly dataLeftOut: boolean;
  readonly metadata: EventMetadata;
}

export interface PersonEvents {
  /** Oldest first, in the log's order. */
  readonly events: readonly ExportedEvent[];
  /** Whether older sign-ins or actions were left out past `exportedEventsLimit`. */
  readonly capped: boolean;
}

type Row = {
  tx_id: string;
  position: string;
  stream_id: string;
  version: number;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
};

/**
 * The events of the log about a person: every event of their account's stream and of their
 * username's claim, and the newest of their sign-in stream and of the events they caused anywhere
 * (metadata.actor.id). Read from the table the auditors' search reads (src/audit/auditLog.ts),
 * through the indexes of migrations/0009 and 0014, never by scanning the log.
 */
export async function eventsAbout(
  db: Kysely<Schema>,
  store: Pick<EventStore, 'chain' | 'sealing'>,
  person: { readonly accountId: string; readonly username: string },
): Promise<PersonEvents> {
  const table = eventsTable(auditLogOf(store));
  const own = [accountStream.id(person.accountId), usernameStream.id(person.username)];
  const whole = await select(table, sql`stream_id = any(${own}::text[])`, 'asc', null).execute(db);
  const newest = await select(
    table,
    sql`(stream_id = ${signInStream.id(person.accountId)}
      or (metadata -> 'actor' ->> 'id') = ${person.accountId})
      and not (stream_id = any(${own}::text[]))`,
    'desc',
    exportedEventsLimit + 1,
  ).execute(db);
  const capped = newest.rows.length > exportedEventsLimit;
  const stored = [...whole.rows, ...newest.rows.slice(0, exportedEventsLimit)].sort(inLogOrder);
  // The person's own fields, opened: they are in the log sealed (src/platform/personalData).
  const rows = store.sealing
    ? await store.sealing.reveal(stored.map((row) => ({ ...row, streamId: row.stream_id })))
    : stored;
  const about = new Set([...own, signInStream.id(person.accountId)]);
  return {
    events: rows.map((row) => exported(row, person.accountId, about.has(row.stream_id))),
    capped,
  };
}

const select = (
  table: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  direction: 'asc' | 'desc',
  limit: number | null,
) => {
  const order = sql.raw(direction);
  // ORDER BY names the table's columns: the output columns are text ('10' < '9').
  return sql<Row>`
    select events.tx_id::text as tx_id, events.position::text as position, events.stream_id,
      events.version, events.type, events.data, events.metadata
    from ${table} where ${where}
    order by events.tx_id ${order}, events.position ${order}
    ${limit === null ? sql`` : sql`limit ${limit}`}`;
};

const inLogOrder = (a: Row, b: Row): number => {
  const commit = BigInt(a.tx_id) - BigInt(b.tx_id);
  const order = commit !== 0n ? commit : BigInt(a.position) - BigInt(b.position);
  return order < 0n ? -1 : order > 0n ? 1 : 0;
};

/** On an organisation's stream (its registrant's account), the events about its other people. */
const aboutAnotherMember = (row: Row, accountId: string): boolean =>
  row.type === 'MemberInvited' ||
  row.type === 'MemberInvitationWithdrawn' ||
  (typeof row.data.personId === 'string' && row.data.personId !== accountId);

/**
 * Secrets are left out, not masked (password hashes, tokens: the audit section's rule); the
 * address another person acted from (an operator approving, a colleague inviting) is theirs, not
 * this person's (GDPR art. 15(4)), and is left out too, like the content of events about others.
 */
function exported(row: Row, accountId: string, ownStream: boolean): ExportedEvent {
  const actorId = row.metadata.actor.id;
  const someoneElse = actorId !== accountId && actorId !== 'anonymous';
  const metadata = withoutSecrets(row.metadata as unknown as JsonObject);
  const dataLeftOut = !ownStream || aboutAnotherMember(row, accountId);
  return {
    streamId: row.stream_id,
    version: row.version,
    type: row.type,
    occurredAt: row.metadata.occurredAt,
    data: dataLeftOut ? {} : withoutSecrets(row.data),
    dataLeftOut,
    metadata: {
      ...(metadata as unknown as EventMetadata),
      clientIp: someoneElse ? null : row.metadata.clientIp,
    },
  };
}

/** A deep copy without the fields that hold a secret, at any depth (arrays included). */
export function withoutSecrets<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, item]) => !holdsSecret(key, item))
      .map(([key, item]) => [key, withoutSecrets(item)]),
  ) as T;
}
