import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/database.js';
import { hash } from 'node:crypto';
import { canonicalJsonText } from './canonicalJsonText.js';
import type { ChainBreak, ChainReader, ChainRecord, EventKey } from './chainReader.js';
import type { GlobalPosition } from './eventStore.js';
import { startOfLog } from './globalPosition.js';
import { digestInput } from './hashChain.js';

interface ChainRow {
  tx_id: string;
  position: string;
  stream_id: string;
  version: number;
  digest: Buffer;
  hash: Buffer;
}

/**
 * The integrity check's read path on PostgreSQL/PGlite, in the same commit order as readAll: the
 * database hashes each event's stored text (digestInput, in SQL) and sends 64 bytes, not the
 * event; the checker links them. A stored text that is not canonical (an event stored before
 * migrations/0010, or altered) does not link, and is then read and re-encoded here.
 */
export function postgresChainReader(database: Database): ChainReader {
  const { db } = database;
  return {
    // Like readAll: what no transaction still running can precede.
    read: (after, limit) =>
      readChain(database, sql`tx_id < pg_snapshot_xmin(pg_current_snapshot())`, after, limit),
    canonicalDigests: (events) => canonicalDigests(database, events),
    headBreaks: (streamId) => headBreaks(database, streamId),
    async snapshot() {
      // The snapshot's text form ("xmin:xmax:running,…") is enough to ask, in later statements,
      // which transactions had committed at this moment: no transaction is held open meanwhile
      // (PGlite has one connection, and the portal keeps serving).
      const { rows } = await sql<{ snapshot: string }>`
        select pg_current_snapshot()::text as snapshot`.execute(db);
      const snapshot = rows[0]!.snapshot;
      const xmax = snapshot.split(':')[1]!;
      const visible = sql`tx_id < ${xmax}::xid8 and pg_visible_in_snapshot(tx_id, ${snapshot}::pg_snapshot)`;
      return {
        read: (after, limit) => readChain(database, visible, after, limit),
        canonicalDigests: (events) => canonicalDigests(database, events),
        headBreaks: (streamId) => headBreaks(database, streamId),
      };
    },
  };
}

async function readChain(
  database: Database,
  visible: RawBuilder<unknown>,
  after: GlobalPosition | null,
  limit: number,
): Promise<{ records: ChainRecord[]; last: GlobalPosition | null }> {
  const from = after ?? startOfLog;
  // ORDER BY names the table's columns: the output ones are text ('10' < '9').
  const { rows } = await sql<ChainRow>`
    select tx_id::text as tx_id, position::text as position, stream_id, version, hash,
           sha256(convert_to('{"data":' || data::text || ',"metadata":' || metadata::text
                             || ',"type":' || to_json(type)::text || '}', 'UTF8')) as digest
    from events
    where (tx_id, position) > (${from.commit.toString()}::xid8, ${from.prepare.toString()}::bigint)
      and ${visible}
    order by events.tx_id, events.position
    limit ${limit}`.execute(database.db);
  // The position is made for the last row only: the next read starts there.
  const records = rows.map((row): ChainRecord => ({
    streamId: row.stream_id,
    version: row.version,
    digest: row.digest,
    hash: row.hash,
  }));
  const last = rows.at(-1);
  return {
    records,
    last: last ? { commit: BigInt(last.tx_id), prepare: BigInt(last.position) } : null,
  };
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
 * The streams table is rewritten with every append, in the same transaction: its head must
 * always be an event in the log, with the same hash.
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
  return breaks;
}
