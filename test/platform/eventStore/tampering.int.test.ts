import { sql } from 'kysely';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPglite, type Database } from '../../../src/platform/db/database.js';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { chainHash, eventDigest } from '../../../src/platform/eventStore/hashChain.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { verifyLog, verifyStream } from '../../../src/platform/eventStore/verifyLog.js';
import { runCli } from '../../support/cli.js';
import { testSealEnv, testTagKey } from '../../support/testApp.js';
import { newEvent } from '../../support/events.js';
import { migratedDataDir, openTestDatabase, postgresUrl } from '../../support/testDatabase.js';

async function seed(store: EventStore): Promise<void> {
  await store.appendToStream('contract-3001234567', [
    newEvent('ContractRegistered', { contract: '3001234567' }),
    newEvent('ContractValidated', { by: 'operator-1' }),
    newEvent('ContractClaimed', { by: 'company-1' }),
  ]);
  await store.appendToStream('contract-3009999999', [
    newEvent('ContractRegistered', { contract: '3009999999' }),
  ]);
}

/** What an attacker with SQL access would do: switch the guard off, then rewrite history. */
async function tamper(database: Database, statement: ReturnType<typeof sql>): Promise<void> {
  await sql`alter table events disable trigger events_append_only`.execute(database.db);
  await statement.execute(database.db);
  await sql`alter table events enable trigger events_append_only`.execute(database.db);
}

const alterSecondEvent = sql`
  update events set data = jsonb_set(data::jsonb, '{by}', '"operator-2"')::json
  where stream_id = 'contract-3001234567' and version = 2`;

describe('tampering with the log', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('refuses UPDATE and DELETE on events from the application role', async () => {
    const { database, drop } = await openTestDatabase('pglite');
    cleanups.push(drop);
    await seed(createPostgresEventStore(database));
    await expect(sql`update events set type = 'X'`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from events`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('names the stream and version of an altered event and of a removed one', async () => {
    const { database, drop } = await openTestDatabase('pglite');
    cleanups.push(drop);
    const store = createPostgresEventStore(database);
    await seed(store);
    expect((await verifyLog(store)).breaks).toEqual([]);

    await tamper(database, alterSecondEvent);
    await tamper(
      database,
      sql`delete from events where stream_id = 'contract-3001234567' and version = 3`,
    );
    await store.appendToStream('contract-3001234567', [newEvent('Late')], {
      expectedVersion: 'any',
    });

    const expected = [
      { streamId: 'contract-3001234567', version: 2, problem: 'altered' },
      { streamId: 'contract-3001234567', version: 3, problem: 'missing' },
    ];
    expect((await verifyLog(store)).breaks).toEqual(expected);
    // A store linked in Node over readAll (as KurrentDB is) finds the same.
    expect((await verifyLog({ ...store, chain: undefined })).breaks).toEqual(expected);
  });

  it('finds a duplicated event once the guard of one event per version is gone', async () => {
    const { database, drop } = await openTestDatabase('pglite');
    cleanups.push(drop);
    const store = createPostgresEventStore(database);
    await seed(store);
    await sql`alter table events drop constraint events_stream_version_key`.execute(database.db);
    await sql`insert into events (stream_id, version, event_id, type, data, metadata, hash)
              select stream_id, version, gen_random_uuid(), type, data, metadata, hash
              from events where stream_id = 'contract-3001234567' and version = 1`.execute(
      database.db,
    );
    const duplicated = [{ streamId: 'contract-3001234567', version: 1, problem: 'altered' }];
    expect((await verifyLog(store)).breaks).toEqual(duplicated);
    expect((await verifyStream(store, 'contract-3001234567')).breaks).toEqual(duplicated);
    expect((await verifyLog({ ...store, chain: undefined })).breaks).toEqual(duplicated);
  });

  it('finds a rewritten last event of one stream, even with its link recomputed', async () => {
    const { database, drop } = await openTestDatabase('pglite');
    cleanups.push(drop);
    const store = createPostgresEventStore(database);
    await seed(store);
    expect((await verifyStream(store, 'contract-3001234567')).breaks).toEqual([]);

    // The attacker rewrites the last event and stores the link that its new content gives, so
    // the chain alone holds; only the stream's recorded head still knows the old link.
    const [last] = (await store.readStream('contract-3001234567', { fromVersion: 3 })).events;
    const forged = { ...last!, data: { by: 'company-2' } };
    const [previous] = (await store.readStream('contract-3001234567', { fromVersion: 2 })).events;
    const link = chainHash(previous!.hash, eventDigest(forged.type, forged.data, forged.metadata));
    await tamper(
      database,
      sql`update events set data = ${JSON.stringify(forged.data)}::json,
                 hash = ${Buffer.from(link, 'hex')}
          where stream_id = 'contract-3001234567' and version = 3`,
    );

    const expected = [{ streamId: 'contract-3001234567', version: 3, problem: 'altered' }];
    expect((await verifyStream(store, 'contract-3001234567')).breaks).toEqual(expected);
    expect((await verifyLog(store)).breaks).toEqual(expected);
    expect((await verifyStream(store, 'contract-3009999999')).breaks).toEqual([]);
  });

  it('finds an event written past its stream’s head, or in a stream without one, links and all', async () => {
    const { database, drop } = await openTestDatabase('pglite');
    cleanups.push(drop);
    const store = createPostgresEventStore(database);
    await seed(store);

    // The attacker inserts the next event with the link its content gives after the last one, so
    // the chain holds; and a whole stream that the store never appended.
    const [last] = (await store.readStream('contract-3001234567', { fromVersion: 3 })).events;
    const insert = async (streamId: string, version: number, previousHash: string) => {
      const forged = newEvent('ContractReleased', { by: 'chi-non-doveva' });
      const metadata = { ...forged.metadata, recordedAt: new Date().toISOString() };
      const link = chainHash(previousHash, eventDigest(forged.type, forged.data, metadata));
      await sql`
        insert into events (stream_id, version, event_id, type, data, metadata, hash)
        values (${streamId}, ${version}, ${forged.metadata.eventId}, ${forged.type},
                ${JSON.stringify(forged.data)}::json, ${JSON.stringify(metadata)}::json,
                ${Buffer.from(link, 'hex')})`.execute(database.db);
    };
    await insert('contract-3001234567', 4, last!.hash);
    await insert('contract-3005555555', 1, '00'.repeat(32));

    const expected = [
      { streamId: 'contract-3001234567', version: 4, problem: 'added' },
      { streamId: 'contract-3005555555', version: 1, problem: 'added' },
    ];
    expect((await verifyLog(store)).breaks).toEqual(expected);
    expect((await verifyStream(store, 'contract-3001234567')).breaks).toEqual([expected[0]]);
    expect((await verifyStream(store, 'contract-3009999999')).breaks).toEqual([]);
  });

  it('is reported by `npm run cli -- events:verify` on embedded PGlite', async () => {
    const dataDir = await migratedDataDir('verify');
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const database = await openPglite(join(dataDir, 'pglite'));
    await seed(createPostgresEventStore(database, { tagKey: testTagKey }));
    await database.close();

    const clean = await runCli(['events:verify'], { DATA_DIR: dataDir, ...testSealEnv });
    expect(clean.stdout).toContain('OK: 4 events in 2 streams');
    expect(clean.code).toBe(0);

    const reopened = await openPglite(join(dataDir, 'pglite'));
    await tamper(reopened, alterSecondEvent);
    await reopened.close();
    const broken = await runCli(['events:verify'], { DATA_DIR: dataDir, ...testSealEnv });
    expect(broken.stdout).toContain('BROKEN: stream contract-3001234567 version 2 is altered');
    expect(broken.code).toBe(1);
  });

  it('takes the events of a log written before tags as such, once, and names one added after', async () => {
    const dataDir = await migratedDataDir('upgrade');
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const database = await openPglite(join(dataDir, 'pglite'));
    // Written by a portal that did not tag its events.
    await seed(createPostgresEventStore(database));
    await database.close();

    const first = await runCli(['events:verify'], { DATA_DIR: dataDir, ...testSealEnv });
    expect(first.stdout).toContain('OK: 4 events in 2 streams');
    // Counted once, beside the head kept outside the database.
    expect(JSON.parse(readFileSync(join(dataDir, 'contrassegni-da.json'), 'utf8'))).toEqual({
      eventiSenzaContrassegno: 4,
    });

    const reopened = await openPglite(join(dataDir, 'pglite'));
    await createPostgresEventStore(reopened).appendToStream('contract-3009999999', [
      newEvent('ContractValidated', { by: 'chi-non-doveva' }),
    ]);
    await reopened.close();
    const after = await runCli(['events:verify'], { DATA_DIR: dataDir, ...testSealEnv });
    expect(after.stdout).toContain(
      "(stream contract-3009999999 version 2, leaf 5) comes after the latest signed head without the portal's tag",
    );
    expect(after.code).toBe(1);
  });

  it.skipIf(!postgresUrl())(
    postgresUrl()
      ? 'is reported by `npm run cli -- events:verify` on PostgreSQL'
      : 'is reported by `npm run cli -- events:verify` on PostgreSQL (skipped: no PostgreSQL server)',
    async () => {
      const { database, url, drop } = await openTestDatabase('postgres');
      cleanups.push(drop);
      await seed(createPostgresEventStore(database, { tagKey: testTagKey }));
      await tamper(database, alterSecondEvent);
      const result = await runCli(['events:verify'], { DATABASE_URL: url!, ...testSealEnv });
      expect(result.stdout).toContain('BROKEN: stream contract-3001234567 version 2 is altered');
      expect(result.code).toBe(1);
    },
  );
});
