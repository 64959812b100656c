import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/database.js';
import type { ChainBreak, ChainReader, ChainRecord } from './chainReader.js';
import type { GlobalPosition } from './eventStore.js';
import { startOfLog } from './globalPosition.js';

interface ChainRow {
  tx_id: string;
  position: string;
  stream_id: string;
  version: number;
  type: string;
  data: string;
  metadata: string;
  hash: Buffer;
}

/**
 * The integrity check's read path on PostgreSQL/PGlite: data and metadata as text (the checker
 * parses them itself), the hash as bytes, in the same commit order as readAll.
 */
export function postgresChainReader(database: Database): ChainReader {
  const { db } = database;
  return {
    // Like readAll: what no transaction still running can precede.
    read: (after, limit) =>
      readChain(database, sql`tx_id < pg_snapshot_xmin(pg_current_snapshot())`, after, limit),
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
    select tx_id::text as tx_id, position::text as position, stream_id, version, type,
           data::text as data, metadata::text as metadata, hash
    from events
    where (tx_id, position) > (${from.commit.toString()}::xid8, ${from.prepare.toString()}::bigint)
      and ${visible}
    order by events.tx_id, events.position
    limit ${limit}`.execute(database.db);
  // The position is made for the last row only: the next read starts there.
  const records = rows.map((row): ChainRecord => ({
    streamId: row.stream_id,
    version: row.version,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    hash: row.hash,
  }));
  const last = rows.at(-1);
  return {
    records,
    last: last ? { commit: BigInt(last.tx_id), prepare: BigInt(last.position) } : null,
  };
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
