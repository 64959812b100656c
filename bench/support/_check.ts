import { sql } from 'kysely';
import { pugliaMunicipalities } from '../../domain/observatory/reference/municipalities.js';
import { chainHash, eventDigest, genesisHash } from '../../src/eventStore/hashChain.js';
import type { EventMetadata, JsonObject } from '../../src/eventStore/eventStore.js';
import { openPostgres } from '../../src/db/database.js';
import { World, monthsOf } from './auditLogWorld.js';
const world = new World({ seed: 2026, scale: 1, municipalities: pugliaMunicipalities });
const heads = new Map<string, { v: number; h: string }>();
for (const month of monthsOf('2019-01', '2019-05')) {
  for (const append of world.month(month)) {
    const recordedAt = new Date(append.lastAt + 150).toISOString();
    for (const e of append.events) {
      const data = JSON.parse(JSON.stringify(e.data)) as JsonObject;
      const metadata = JSON.parse(JSON.stringify({ ...e.metadata, recordedAt })) as EventMetadata;
      const head = heads.get(append.streamId) ?? { v: 0, h: genesisHash };
      heads.set(append.streamId, { v: head.v + 1, h: chainHash(head.h, eventDigest(e.type, data, metadata)) });
    }
  }
}
const db = await openPostgres('postgres://postgres@127.0.0.1:5432/dichiara_bench_audit', { poolSize: 2 });
let same = 0, diff = 0;
const entries = [...heads];
for (let i = 0; i < entries.length; i += 2000) {
  const chunk = entries.slice(i, i + 2000);
  const { rows } = await sql<{ stream_id: string; version: number; hash: Buffer }>`
    select stream_id, version, hash from events where (stream_id, version) in (${sql.join(chunk.map(([s, h]) => sql`(${s}, ${h.v})`))})`.execute(db.db);
  const got = new Map(rows.map((r) => [r.stream_id, r.hash.toString('hex')]));
  for (const [s, h] of chunk) (got.get(s) === h.h ? same++ : diff++);
}
console.log({ streams: heads.size, same, diff });
await db.close();
