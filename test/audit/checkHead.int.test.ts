import { sql } from 'kysely';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/platform/db/database.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import { chainHash, eventDigest } from '../../src/platform/eventStore/hashChain.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { growingTree, leafHash } from '../../src/platform/transparency/merkle.js';
import { signHead } from '../../src/platform/transparency/treeHead.js';
import { runCli } from '../support/cli.js';
import { newEvent } from '../support/events.js';
import { testSeal, testTagKey } from '../support/testApp.js';
import { migratedDataDir } from '../support/testDatabase.js';

/**
 * A head a filer kept, checked by `log:check-head` against the log as it is now: each attack of
 * someone with the database in hand — a rewritten history with every link and the stream's head
 * recomputed, a truncated log — is named, and so is a head that was not signed by the portal.
 */
describe('log:check-head', () => {
  let dataDir: string;
  const headFile = (name: string, head: object) => {
    const file = join(dataDir, name);
    writeFileSync(file, JSON.stringify(head));
    return file;
  };
  const check = (file: string) => runCli(['log:check-head', file], { DATA_DIR: dataDir });
  /** What /trasparenza gives: the head of the log's first `size` events, signed by the portal. */
  async function keptHead(store: EventStore, size: number) {
    const tree = growingTree();
    for (const event of (await store.readAll({ limit: size })).slice(0, size))
      tree.add(leafHash(Buffer.from(event.hash, 'hex')));
    const head = signHead(
      { origin: 'Dichiara – prova', size, root: tree.root(), signedAt: new Date().toISOString() },
      testSeal.privateKey,
    );
    return {
      origine: head.origin,
      dimensione: head.size,
      radice: head.root.toString('hex'),
      firmataIl: head.signedAt,
      firma: head.signature,
    };
  }
  async function withStore<T>(work: (store: EventStore) => Promise<T>) {
    const database = await openPglite(join(dataDir, 'pglite'));
    try {
      return await work(createPostgresEventStore(database, { tagKey: testTagKey }));
    } finally {
      await database.close();
    }
  }
  /** What someone with the database in hand does: the append-only guard off, then SQL. */
  async function tamper(...statements: ReturnType<typeof sql>[]) {
    const database = await openPglite(join(dataDir, 'pglite'));
    try {
      await sql`alter table events disable trigger events_append_only`.execute(database.db);
      for (const statement of statements) await statement.execute(database.db);
      await sql`alter table events enable trigger events_append_only`.execute(database.db);
    } finally {
      await database.close();
    }
  }

  beforeAll(async () => {
    dataDir = await migratedDataDir('check-head');
    // The portal's key, where the embedded default keeps it.
    writeFileSync(
      join(dataDir, 'seal-key.pem'),
      testSeal.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('says OK while the log begins with what was signed, and names each attack after', async () => {
    const kept = await withStore(async (store) => {
      await store.appendToStream('contract-3001234567', [
        newEvent('ContractRegistered'),
        newEvent('ContractValidated'),
        newEvent('ContractClaimed', { by: 'company-1' }),
      ]);
      await store.appendToStream('contract-3009999999', [newEvent('ContractRegistered')]);
      return keptHead(store, 4);
    });
    const file = headFile('testa.json', kept);
    // Inside a proof's answer, as /trasparenza/inclusione gives it, the head reads the same.
    const inAnswer = headFile('risposta.json', { foglia: 0, prova: [], testa: kept });
    for (const kept of [file, inAnswer]) {
      const ok = await check(kept);
      expect(ok.stdout).toContain("OK: the log's first 4 events are those the head signed");
      expect(ok.code).toBe(0);
    }
    await withStore((store) =>
      store.appendToStream('contract-3009999999', [newEvent('ContractValidated')]),
    );
    expect((await check(file)).code).toBe(0);

    const forged = headFile('falsa.json', { ...kept, dimensione: 3 });
    const unsigned = await check(forged);
    expect(unsigned.stdout).toContain('BROKEN: the head is not signed by this portal');
    expect(unsigned.code).toBe(1);

    // The third event rewritten with its link, and the stream's recorded head, recomputed: the
    // chains hold, the kept head does not, and no head in the log covers the event, so
    // events:verify names it by the portal's tag it no longer matches.
    const link = await withStore(async (store) => {
      const [second, third] = (
        await store.readStream('contract-3001234567', { fromVersion: 2, toVersion: 3 })
      ).events;
      return chainHash(
        second!.hash,
        eventDigest(third!.type, { by: 'company-2' }, third!.metadata),
      );
    });
    await tamper(
      sql`update events set data = ${JSON.stringify({ by: 'company-2' })}::json,
                 hash = ${Buffer.from(link, 'hex')}
          where stream_id = 'contract-3001234567' and version = 3`,
      sql`update streams set last_hash = ${Buffer.from(link, 'hex')}
          where stream_id = 'contract-3001234567'`,
    );
    const verified = await runCli(['events:verify'], { DATA_DIR: dataDir });
    expect(verified.stdout.match(/without the portal's tag/g)).toHaveLength(1);
    expect(verified.stdout).toContain(
      "(stream contract-3001234567 version 3, leaf 2) comes after the latest signed head without the portal's tag",
    );
    expect(verified.stdout).toContain('0 broken link(s)');
    expect(verified.code).toBe(1);
    const rewritten = await check(file);
    expect(rewritten.stdout).toContain("BROKEN: the log's first 4 events are not those the head");
    expect(rewritten.code).toBe(1);
  });

  it('names a log cut short after the head was given out', async () => {
    const kept = await withStore((store) => keptHead(store, 5));
    const file = headFile('ultima.json', kept);
    expect((await check(file)).code).toBe(0);
    await tamper(
      sql`delete from events where stream_id = 'contract-3009999999'`,
      sql`delete from streams where stream_id = 'contract-3009999999'`,
    );
    const cut = await check(file);
    // The log lost the second contract's two events (it holds the recorded checks beside them).
    expect(cut.stdout).toMatch(/BROKEN: the head signed 5 events; the log now has [0-4]\n/);
    expect(cut.code).toBe(1);
  });

  it('refuses a file that is not a head', async () => {
    const notJson = join(dataDir, 'rotto.json');
    writeFileSync(notJson, '{ non è json');
    expect((await check(notJson)).code).toBe(2);
    expect((await check(headFile('vuota.json', { dimensione: 'tante' }))).code).toBe(2);
    expect((await runCli(['log:check-head'], { DATA_DIR: dataDir })).code).toBe(2);
  });
});
