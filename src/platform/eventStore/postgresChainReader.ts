import { sql, type RawBuilder } from 'kysely';
import { hash } from 'node:crypto';
import type { Database } from '../db/database.js';
import { canonicalJsonText } from './canonicalJsonText.js';
import type {
  ChainBreak,
  ChainReader,
  DatedLinks,
  Doubt,
  EventKey,
  LinkBatch,
  Linked,
  LogLeaves,
} from './chainReader.js';
import type { GlobalPosition } from './eventStore.js';
import { packPositions, positionBytes, positionIn, startOfLog } from './globalPosition.js';
import { digestInput } from './hashChain.js';

/** Events per piece of the walk: a position range, linked by one statement. */
const pieceSize = 20_000;

/**
 * The integrity check's read path on PostgreSQL/PGlite: the database links each event to the
 * one before it in its stream (digestInput hashed in SQL over the stored text, then the link),
 * and sends back only the events whose link does not hold. Linking needs no order, so the log
 * is cut in position ranges, taken by two connections at once on PostgreSQL (one core each).
 * A stored text that is not canonical (an event stored before migrations/0010, or altered) comes
 * back as a doubt, and is read and re-encoded here.
 */
export function postgresChainReader(database: Database): ChainReader {
  const { db } = database;
  return {
    headBreaks: (streamId) => headBreaks(database, streamId),
    links: (after, limit) => links(database, after, limit),
    datedLinks: (after, limit) => datedLinks(database, after, limit),
    leaves: (after, limit) => logLeaves(database, after, limit),
    async snapshot() {
      // The snapshot's text form ("xmin:xmax:running,…") is enough to ask, in later statements,
      // which transactions had committed at this moment: no transaction is held open meanwhile
      // (PGlite has one connection, and the portal keeps serving).
      const { rows } = await sql<{ snapshot: string; last: string | null }>`
        select pg_current_snapshot()::text as snapshot,
               (select max(position) from events)::text as last`.execute(db);
      const { snapshot, last } = rows[0]!;
      const xmax = snapshot.split(':')[1]!;
      const visible = sql`e.tx_id < ${xmax}::xid8 and pg_visible_in_snapshot(e.tx_id, ${snapshot}::pg_snapshot)`;
      return {
        link: (progress, signal) =>
          linkPieces(database, visible, BigInt(last ?? 0), progress, signal),
        canonicalDigests: (events) => canonicalDigests(database, events),
      };
    },
  };
}

/** What a light read of the log sends back per event, beside its place: its link, or its leaf. */
const packable = {
  hashes: sql`hash`,
  leaves: sql`sha256(decode('00', 'hex') || hash)`,
} as const;

const hashBytes = 32;
const recordBytes = hashBytes + positionBytes;

/**
 * The next events after `after`, in log order, in one statement: per event its link or leaf and
 * its place, packed into one bytea (and, when asked, the recording times as one text). A row per
 * event would cost the driver more than the tree costs to build.
 *
 * The aggregates take the rows as the subquery sorts them, with no ORDER BY of their own (one
 * sort a batch, not one per aggregate): PostgreSQL's documentation says this usually works, so
 * the places read back are checked to follow one another, and a batch out of order is refused.
 */
async function packedBatch(
  database: Database,
  after: GlobalPosition | null,
  limit: number,
  value: keyof typeof packable,
  options: { recorded?: boolean } = {},
): Promise<{
  count: number;
  last: GlobalPosition;
  values: Buffer;
  positions: Buffer;
  recorded: string | null;
  eventId: (i: number) => Promise<string>;
} | null> {
  const start = after ?? startOfLog;
  const from = sql`(${start.commit.toString()}::xid8, ${start.prepare.toString()}::bigint)`;
  // Opens each event's metadata, which costs more than the rest: asked for only by the check.
  const recorded = options.recorded
    ? sql`coalesce(replace(metadata->>'recordedAt', ',', ''), '')`
    : sql`null::text`;
  const { rows } = await sql<{ packed: Buffer | null; recorded: string | null }>`
    select string_agg(${packable[value]} || xid8send(tx_id) || int8send(position), ''::bytea)
             as packed,
           ${options.recorded ? sql`string_agg(recorded, ',')` : sql`null`} as recorded
    from (select tx_id, position, hash, ${recorded} as recorded from events
          where (tx_id, position) > ${from}
            and tx_id < pg_snapshot_xmin(pg_current_snapshot())
          order by tx_id, position
          limit ${limit}) batch`.execute(database.db);
  const { packed } = rows[0]!;
  if (!packed) return null;
  const count = packed.length / recordBytes;
  const values = Buffer.allocUnsafe(count * hashBytes);
  const positions = Buffer.allocUnsafe(count * positionBytes);
  for (let i = 0; i < count; i++) {
    packed.copy(values, i * hashBytes, i * recordBytes, i * recordBytes + hashBytes);
    packed.copy(positions, i * positionBytes, i * recordBytes + hashBytes, (i + 1) * recordBytes);
  }
  mustFollow(packPositions([start]), positions);
  return {
    count,
    last: positionIn(positions, count - 1),
    values,
    positions,
    recorded: rows[0]!.recorded,
    eventId: async (i) => {
      const { rows } = await sql<{ event_id: string }>`
        select event_id::text as event_id from events where (tx_id, position) > ${from}
        order by tx_id, position offset ${i} limit 1`.execute(database.db);
      return rows[0]!.event_id;
    },
  };
}

/** Refuses packed places that do not each come after the one before, from `start` on. */
function mustFollow(start: Buffer, positions: Buffer): void {
  let previous = start;
  for (let at = 0; at < positions.length; at += positionBytes) {
    const place = positions.subarray(at, at + positionBytes);
    if (place.compare(previous) <= 0)
      throw new Error('The log was read out of order: the batch is refused');
    previous = place;
  }
}

type PackedBatch = NonNullable<Awaited<ReturnType<typeof packedBatch>>>;

const linksOf = (batch: PackedBatch): LinkBatch => ({
  count: batch.count,
  last: batch.last,
  eventId: batch.eventId,
  hashes: batch.values,
});

async function links(
  database: Database,
  after: GlobalPosition | null,
  limit: number,
): Promise<LinkBatch | null> {
  const batch = await packedBatch(database, after, limit, 'hashes');
  return batch && linksOf(batch);
}

async function datedLinks(
  database: Database,
  after: GlobalPosition | null,
  limit: number,
): Promise<DatedLinks | null> {
  const batch = await packedBatch(database, after, limit, 'hashes', { recorded: true });
  return (
    batch && {
      ...linksOf(batch),
      recordedAt: String(batch.recorded).split(',').map(Date.parse),
    }
  );
}

async function logLeaves(
  database: Database,
  after: GlobalPosition | null,
  limit: number,
): Promise<LogLeaves | null> {
  const batch = await packedBatch(database, after, limit, 'leaves');
  return (
    batch && {
      count: batch.count,
      last: batch.last,
      leaves: batch.values,
      positions: batch.positions,
    }
  );
}

interface PieceRow {
  events: string;
  doubts:
    | {
        stream_id: string;
        version: number;
        position: string;
        stored: string;
        previous: string | null;
        last_before: number | null;
      }[]
    | null;
}

async function linkPieces(
  database: Database,
  visible: RawBuilder<unknown>,
  last: bigint,
  progress: (events: number) => void,
  signal?: AbortSignal,
): Promise<Linked> {
  const doubts: Doubt[] = [];
  let events = 0;
  let next = 1n;
  const worker = async () => {
    while (next <= last) {
      signal?.throwIfAborted();
      const from = next;
      next += BigInt(pieceSize);
      const piece = await linkPiece(database, visible, from, from + BigInt(pieceSize));
      events += piece.events;
      doubts.push(...piece.doubts);
      progress(events);
    }
  };
  await Promise.all(Array.from({ length: database.kind === 'postgres' ? 2 : 1 }, worker));
  return { events, streams: await streamCount(database, visible), doubts };
}

/** One position range: how many events it holds, and those whose link does not hold. */
async function linkPiece(
  database: Database,
  visible: RawBuilder<unknown>,
  from: bigint,
  to: bigint,
): Promise<{ events: number; doubts: Doubt[] }> {
  const genesis = Buffer.alloc(32);
  const { rows } = await sql<PieceRow>`
    with linked as (
      select e.stream_id, e.version, e.position, e.hash, p.hash as previous,
             e.hash = sha256(coalesce(p.hash, ${genesis}) || sha256(convert_to(
               '{"data":' || e.data::text || ',"metadata":' || e.metadata::text
               || ',"type":' || to_json(e.type)::text || '}', 'UTF8'))) as holds
      from events e
      left join events p on p.stream_id = e.stream_id and p.version = e.version - 1
      where e.position >= ${from.toString()}::bigint and e.position < ${to.toString()}::bigint
        and ${visible}
    )
    select count(*)::text as events,
           json_agg(json_build_object(
             'stream_id', stream_id, 'version', version, 'position', position::text,
             'stored', encode(hash, 'hex'), 'previous', encode(previous, 'hex'),
             'last_before', case when previous is null and version > 1 then
               (select max(q.version) from events q
                where q.stream_id = linked.stream_id and q.version < linked.version) end))
             filter (where not holds or (previous is null and version > 1)) as doubts
    from linked`.execute(database.db);
  const row = rows[0]!;
  return {
    events: Number(row.events),
    doubts: (row.doubts ?? []).map((d) => ({
      streamId: d.stream_id,
      version: d.version,
      position: BigInt(d.position),
      stored: Buffer.from(d.stored, 'hex'),
      previous: d.previous === null ? null : Buffer.from(d.previous, 'hex'),
      lastBefore: d.last_before ?? 0,
    })),
  };
}

/** The streams with an event in the snapshot. */
async function streamCount(database: Database, visible: RawBuilder<unknown>): Promise<number> {
  const { rows } = await sql<{ streams: string }>`
    select count(distinct e.stream_id)::text as streams from events e where ${visible}`.execute(
    database.db,
  );
  return Number(rows[0]!.streams);
}

async function canonicalDigests(
  database: Database,
  events: readonly EventKey[],
): Promise<Buffer[]> {
  if (events.length === 0) return [];
  const { rows } = await sql<{ item: number; type: string; data: string; metadata: string }>`
    select k.item::integer as item, e.type, e.data::text as data, e.metadata::text as metadata
    from unnest(${events.map((e) => e.streamId)}::text[], ${events.map((e) => e.version)}::int[])
         with ordinality as k(stream_id, version, item)
    join events e on e.stream_id = k.stream_id and e.version = k.version`.execute(database.db);
  const digests = events.map(() => Buffer.alloc(32));
  for (const row of rows) {
    const input = digestInput(
      row.type,
      canonicalJsonText(row.data),
      canonicalJsonText(row.metadata),
    );
    digests[row.item - 1] = hash('sha256', input, 'buffer');
  }
  return digests;
}

/**
 * What linking cannot see. The streams table is rewritten with every append, in the same
 * transaction: its head must always be an event in the log, with the same hash. And one event per
 * stream and version, which the unique index guarantees: if the index is gone, the versions held
 * twice are named (a copied event links like the original).
 */
async function headBreaks(database: Database, streamId?: string): Promise<ChainBreak[]> {
  const only = streamId === undefined ? sql`true` : sql`s.stream_id = ${streamId}`;
  const { rows } = await sql<{ stream_id: string; version: number; last: number | null }>`
    select s.stream_id, s.version,
           (select max(e.version) from events e where e.stream_id = s.stream_id) as last
    from streams s
    left join events head on head.stream_id = s.stream_id and head.version = s.version
    where (head.hash is null or head.hash <> s.last_hash) and ${only}
    order by s.stream_id`.execute(database.db);
  const breaks: ChainBreak[] = [];
  for (const row of rows) {
    const last = row.last ?? 0;
    if (last >= row.version) {
      breaks.push({ streamId: row.stream_id, version: row.version, problem: 'altered' });
    }
    for (let version = last + 1; version <= row.version; version++) {
      breaks.push({ streamId: row.stream_id, version, problem: 'missing' });
    }
  }
  return [
    ...(await twiceHeldVersions(database, streamId)),
    ...breaks,
    ...(await beyondHeads(database, streamId)),
  ];
}

/**
 * Events written straight into the table with their links recomputed hold as a chain; but the
 * append records every stream's head in the same transaction, so an event past its stream's head,
 * or in a stream with no head at all, was not appended by the store.
 */
async function beyondHeads(database: Database, streamId?: string): Promise<ChainBreak[]> {
  const only = streamId === undefined ? sql`true` : sql`e.stream_id = ${streamId}`;
  const { rows } = await sql<{ stream_id: string; version: number }>`
    select e.stream_id, e.version from events e
    left join streams s on s.stream_id = e.stream_id
    where (s.stream_id is null or e.version > s.version) and ${only}
    order by e.stream_id, e.version`.execute(database.db);
  return rows.map((row) => ({ streamId: row.stream_id, version: row.version, problem: 'added' }));
}

async function twiceHeldVersions(database: Database, streamId?: string): Promise<ChainBreak[]> {
  const { rows: guard } = await sql<{ valid: boolean }>`
    select i.indisvalid and i.indisunique as valid
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where c.relname = 'events_stream_version_key'`.execute(database.db);
  if (guard[0]?.valid) return [];
  const only = streamId === undefined ? sql`true` : sql`stream_id = ${streamId}`;
  const { rows } = await sql<{ stream_id: string; version: number }>`
    select stream_id, version from events where ${only}
    group by stream_id, version having count(*) > 1
    order by stream_id, version`.execute(database.db);
  return rows.map((row) => ({ streamId: row.stream_id, version: row.version, problem: 'altered' }));
}
