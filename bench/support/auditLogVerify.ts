import { sql } from 'kysely';
import { hash } from 'node:crypto';
import type { Database } from '../../src/platform/db/database.js';
import { canonicalJsonText } from '../../src/platform/eventStore/canonicalJsonText.js';
import type { EventStore, GlobalPosition } from '../../src/platform/eventStore/eventStore.js';
import { checkLog } from '../../src/audit/verifyIntegrity.js';
import { testSeal, testTagKey } from '../../test/support/testApp.js';

/** One pass over the whole log. */
export interface Pass {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export interface VerifyPass extends Pass {
  readonly streams: number;
  readonly breaks: number;
  /** Node CPU (user + system) over the pass, per event: parsing, canonical JSON, hashing. */
  readonly nodeCpuMicrosPerEvent: number;
}

const pass = (events: number, started: number): Pass => {
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, eventsPerSecond: events / seconds };
};

/** `select count(*) from events`: the floor of any walk over the table. */
export async function countAll(database: Database): Promise<Pass> {
  const started = performance.now();
  const { rows } = await sql<{ n: string }>`select count(*) as n from events`.execute(database.db);
  return pass(Number(rows[0]?.n ?? 0), started);
}

/** The whole log through readAll, batch after batch, without checking anything. */
export async function readWholeLog(store: EventStore, batchSize: number): Promise<Pass> {
  const started = performance.now();
  let [events, after]: [number, GlobalPosition | null] = [0, null];
  for (;;) {
    const batch = await store.readAll({ after, limit: batchSize });
    events += batch.length;
    if (batch.length < batchSize) break;
    after = batch.at(-1)!.position;
  }
  return pass(events, started);
}

/**
 * The whole log's check as `npm run cli -- events:verify` runs it: every stream's chain and, side
 * by side, the Merkle tree rebuilt from the events against the stored one and the signed heads.
 */
export async function verifyWholeLog(store: EventStore, database: Database): Promise<VerifyPass> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { report, tree } = await checkLog({
    store,
    transparency: {
      db: database.db,
      publicKey: testSeal.publicKey,
      tagKey: testTagKey,
      witness: null,
    },
  });
  const figures = pass(report.events, started);
  const used = process.cpuUsage(cpu);
  return {
    ...figures,
    streams: report.streams,
    breaks: report.breaks.length + tree.problems.length,
    nodeCpuMicrosPerEvent: (used.user + used.system) / report.events,
  };
}

/**
 * The cost of the check's other path, for events whose stored text is not canonical (stored as
 * jsonb before migrations/0010), on records already in memory: the canonical JSON of data and
 * metadata (canonicalJsonText), then the two SHA-256 of the link.
 */
export async function hashingCost(database: Database, sample: number) {
  // A tenth of the table's pages at random: the whole log's mix of event kinds and sizes.
  const { rows } = await sql<{ type: string; data: string; metadata: string; hash: Buffer }>`
    select type, data::text as data, metadata::text as metadata, hash
    from events tablesample system (10) limit ${sample}`.execute(database.db);
  const records = rows;
  const time = (work: (record: (typeof records)[number]) => unknown) => {
    const started = performance.now();
    for (const record of records) work(record);
    return ((performance.now() - started) * 1000) / records.length;
  };
  const inputs: string[] = [];
  const canonicalMicros = time((r) =>
    inputs.push(
      `{"data":${canonicalJsonText(r.data)},"metadata":${canonicalJsonText(r.metadata)},"type":${JSON.stringify(r.type)}}`,
    ),
  );
  const link = Buffer.alloc(64);
  let i = 0;
  const sha256Micros = time((r) => {
    r.hash.copy(link, 0);
    hash('sha256', inputs[i++]!, 'buffer').copy(link, 32);
    return hash('sha256', link, 'buffer');
  });
  const bytes = records.reduce((sum, r) => sum + r.data.length + r.metadata.length, 0);
  return {
    events: records.length,
    meanJsonBytes: Math.round(bytes / records.length),
    canonicalJsonMicrosPerEvent: canonicalMicros,
    sha256MicrosPerEvent: sha256Micros,
  };
}
