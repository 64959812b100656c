import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headFileSchema } from '../../src/platform/transparency/publishedJson.js';
import { headOrigin, signTreeHead } from '../../src/audit/treeHeadSigning.js';
import { openPglite, type Database } from '../../src/platform/db/database.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import { chainHash, eventDigest } from '../../src/platform/eventStore/hashChain.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import {
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/platform/transparency/merkle.js';
import { verifyHead } from '../../src/platform/transparency/treeHead.js';
import { runCli } from '../support/cli.js';
import { newEvent } from '../support/events.js';
import { testSeal, testTagKey } from '../support/testApp.js';
import { migratedDataDir } from '../support/testDatabase.js';

/** `log:prove`: the proofs of /trasparenza from the command line, checkable with the key alone. */
describe('log:prove', () => {
  let dataDir: string;
  const cli = (...args: string[]) => runCli(args, { DATA_DIR: dataDir });
  async function withStore<T>(work: (store: EventStore, database: Database) => Promise<T>) {
    const database = await openPglite(join(dataDir, 'pglite'));
    try {
      return await work(createPostgresEventStore(database, { tagKey: testTagKey }), database);
    } finally {
      await database.close();
    }
  }
  /** The tree takes the log in, the portal signs it, the heads' view records the head. */
  async function signNow() {
    expect((await cli('projections:rebuild', 'merkle_tree')).code).toBe(0);
    const signed = await withStore(async (store, database) =>
      signTreeHead({
        db: database.db,
        store,
        seal: testSeal,
        origin: headOrigin('Servizio Idrico Integrato'),
        clock: () => new Date(),
      }),
    );
    expect((await cli('projections:rebuild', 'merkle_tree')).code).toBe(0);
    expect((await cli('projections:rebuild', 'tree_heads')).code).toBe(0);
    return signed!.head;
  }

  beforeAll(async () => {
    dataDir = await migratedDataDir('log-prove');
    writeFileSync(
      join(dataDir, 'seal-key.pem'),
      testSeal.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('proves an event is in the signed tree, and a signed tree extends an earlier one', async () => {
    const events = [1, 2, 3, 4, 5].map((n) => newEvent('Contato', { n }));
    await withStore((store) => store.appendToStream('conta-1', events));
    const first = await signNow();
    expect(first.size).toBe(5);

    const inclusion = await cli('log:prove', '--evento', events[2]!.metadata.eventId);
    expect(inclusion.code, inclusion.stdout).toBe(0);
    const receipt = JSON.parse(inclusion.stdout) as { foglia: number; prova: string[] };
    const head = headFileSchema.parse(JSON.parse(inclusion.stdout));
    expect(verifyHead(head, testSeal.publicKey)).toBe(true);
    const { events: stored } = await withStore((store) => store.readStream('conta-1'));
    const leaf = leafHash(Buffer.from(stored[2]!.hash, 'hex'));
    const proof = receipt.prova.map((hash) => Buffer.from(hash, 'hex'));
    expect(receipt.foglia).toBe(2);
    expect(verifyInclusion(leaf, 2, head.size, proof, head.root)).toBe(true);

    // The head itself is the sixth event; three more, and a second head over nine.
    await withStore((store) =>
      store.appendToStream(
        'conta-1',
        [6, 7, 8].map((n) => newEvent('Contato', { n })),
      ),
    );
    const second = await signNow();
    expect(second.size).toBe(9);
    const consistency = await cli('log:prove', '--da', '5', '--a', '9');
    expect(consistency.code, consistency.stdout).toBe(0);
    const answer = JSON.parse(consistency.stdout) as { radiceDa: string; prova: string[] };
    expect(answer.radiceDa).toBe(first.root.toString('hex'));
    const hashes = answer.prova.map((hash) => Buffer.from(hash, 'hex'));
    expect(verifyConsistency(5, 9, first.root, second.root, hashes)).toBe(true);
  });

  it('says when there is no proof yet, and what it needs when asked wrong', async () => {
    const unknown = await cli('log:prove', '--evento', randomUUID());
    expect(unknown.stdout).toContain('L’evento non è (ancora) in un albero firmato');
    expect(unknown.code).toBe(1);
    const tooBig = await cli('log:prove', '--da', '1', '--a', '1000');
    expect(tooBig.stdout).toContain('Non c’è ancora una testa firmata di questa dimensione');
    expect(tooBig.code).toBe(1);
    for (const wrong of [
      [],
      ['--evento', 'non-un-id'],
      ['--da', '9', '--a', '5'],
      ['--da', '-1', '--a', '5'],
      ['--evento', randomUUID(), '--da', '1', '--a', '2'],
      ['--sconosciuto'],
    ]) {
      const refused = await cli('log:prove', ...wrong);
      expect(refused.stdout).toContain('Usage: log:prove');
      expect(refused.code).toBe(2);
    }
  });

  it('lets events:verify name, from the command line, a rewrite the chains cannot see', async () => {
    const intact = await cli('events:verify');
    expect(intact.stdout).toContain('the tree matches the signed heads (up to 9 events)');
    // The heads here were signed without the portal, so none is kept beside the data: said.
    expect(intact.stdout).toContain('NOTE: no signed head is kept outside the database');
    expect(intact.code).toBe(0);

    // The last event rewritten, its link and its stream's head recomputed: the chains hold.
    await withStore(async (store, database) => {
      const [seventh, last] = (await store.readStream('conta-1', { fromVersion: 7 })).events;
      const rewritten = chainHash(
        seventh!.hash,
        eventDigest(last!.type, { n: 80 }, last!.metadata),
      );
      await sql`alter table events disable trigger events_append_only`.execute(database.db);
      await sql`update events set data = ${JSON.stringify({ n: 80 })}::json,
                       hash = ${Buffer.from(rewritten, 'hex')}
                where stream_id = 'conta-1' and version = 8`.execute(database.db);
      await sql`update streams set last_hash = ${Buffer.from(rewritten, 'hex')}
                where stream_id = 'conta-1'`.execute(database.db);
      await sql`alter table events enable trigger events_append_only`.execute(database.db);
    });
    const broken = await cli('events:verify');
    expect(broken.stdout).toMatch(/BROKEN: from leaf 8 \(event [0-9a-f-]{36}\) the log is not/);
    expect(broken.stdout).toContain("the log's first 9 events are not those");
    expect(broken.stdout).toContain('0 broken link(s)');
    expect(broken.code).toBe(1);
  });
});
