import { sql, type RawBuilder } from 'kysely';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { untaggedPast } from '../../src/audit/eventTagCheck.js';
import { hasValidTag, tagKeyFrom } from '../../src/platform/eventStore/eventTags.js';
import { leafHash } from '../../src/platform/transparency/merkle.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { sealKeyFrom } from '../../src/platform/transparency/treeHead.js';
import { newEvent, untilLogReadable } from '../support/events.js';
import { testTagKey, testWitness } from '../support/testApp.js';
import { backends, openTestDatabase, type TestDatabase } from '../support/testDatabase.js';

/**
 * The portal's tag on each event it appends (src/platform/eventStore/eventTags.ts), and the check
 * that names the events without one. The signer's refusal and the auditor's page are in
 * transparencyTampering.int.test.ts.
 */
describe.each(backends())('%s: the portal’s tag on each event', (backend) => {
  let test: TestDatabase;
  afterEach(async () => test?.drop());

  const otherKey = tagKeyFrom(
    sealKeyFrom(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ),
  );
  const fromStart = { leaf: 0, after: null, skip: 0 };

  it('tags what the store appends, for that stream and that content alone', async () => {
    test = await openTestDatabase(backend);
    const store = createPostgresEventStore(test.database, { tagKey: testTagKey });
    await store.appendToStream('contract-3001110001', [
      newEvent('ContractRegistered', { contract: '3001110001' }),
      newEvent('ContractValidated', { by: 'operator-1' }),
    ]);
    const { events } = await store.readStream('contract-3001110001');
    const [first] = events;
    expect(events.map((event) => hasValidTag(testTagKey, event))).toEqual([true, true]);
    expect(first!.tag).toMatch(/^[0-9a-f]{64}$/);
    // Another key, another stream, other data, another time: not the portal's tag for it.
    expect(hasValidTag(otherKey, first!)).toBe(false);
    expect(hasValidTag(testTagKey, { ...first!, streamId: 'contract-3001110002' })).toBe(false);
    expect(hasValidTag(testTagKey, { ...first!, data: { contract: '3001110002' } })).toBe(false);
    const metadata = { ...first!.metadata, recordedAt: '2026-01-01T00:00:00.000Z' };
    expect(hasValidTag(testTagKey, { ...first!, metadata })).toBe(false);
    // The global read gives the same tags.
    await untilLogReadable(test.database.db, store);
    const read = await store.readAll({ after: null, limit: 10 });
    expect(read.map((event) => event.tag)).toEqual(events.map((event) => event.tag));
  });

  it('names the events without a valid tag, or copied, unless written before tags began', async () => {
    test = await openTestDatabase(backend);
    const { db } = test.database;
    const deps = { store: createPostgresEventStore(test.database), db, tagKey: testTagKey };
    const tagged = createPostgresEventStore(test.database, { tagKey: testTagKey });
    // Two events written as before tags, then one by the portal.
    await deps.store.appendToStream('contract-3001110003', [
      newEvent('ContractRegistered'),
      newEvent('ContractValidated'),
    ]);
    await tagged.appendToStream('contract-3001110003', [newEvent('ContractClaimed')]);
    await untilLogReadable(db, deps.store);
    const found = await untaggedPast(deps, fromStart);
    expect(found.count).toBe(2);
    expect(found.first.map(({ problem, leaf, version }) => ({ problem, leaf, version }))).toEqual([
      { problem: 'untagged', leaf: 0, version: 1 },
      { problem: 'untagged', leaf: 1, version: 2 },
    ]);
    // The two were in the log when the installation first ran a portal that tags: they may have
    // none (the count is kept beside the head, outside the database); one with a tag needs the
    // right one.
    const witness = testWitness();
    await witness.keepUntaggedBelow(async () => 2);
    await witness.keepUntaggedBelow(async () => 3); // kept once: the first count stays
    expect(witness.untaggedBelow()).toBe(2);
    expect(testWitness().untaggedBelow()).toBe(0);
    const legacy = await untaggedPast(deps, fromStart, { untaggedBelow: witness.untaggedBelow() });
    expect(legacy.count).toBe(0);
    await sql`alter table events disable trigger events_append_only`.execute(db);
    await sql`update events set tag = ${Buffer.alloc(32)}::bytea
      where stream_id = 'contract-3001110003' and version = 1`.execute(db);
    await sql`alter table events enable trigger events_append_only`.execute(db);
    expect(
      (await untaggedPast(deps, fromStart, { untaggedBelow: 2 })).first.map(
        ({ version }) => version,
      ),
    ).toEqual([1]);
    // From a later leaf, as the signer and the check start past the latest head; the leaves of
    // the events read come back for the signer to compare with the tree's.
    await untilLogReadable(db, deps.store);
    const [, second, third] = await deps.store.readAll({ after: null, limit: 3 });
    const past = await untaggedPast(deps, { leaf: 2, after: second!.position, skip: 0 });
    expect(past).toMatchObject({ count: 0, first: [] });
    expect(past.leaves).toEqual(leafHash(Buffer.from(third!.hash, 'hex')));
    expect(await untaggedPast(deps, { leaf: 1, after: null, skip: 1 }, { count: 1 })).toMatchObject(
      { count: 1, first: [{ leaf: 1, version: 2 }] },
    );
  });

  it('names the later copy of a tagged event, whether its id column was kept or changed', async () => {
    test = await openTestDatabase(backend);
    const { db } = test.database;
    const store = createPostgresEventStore(test.database, { tagKey: testTagKey });
    await store.appendToStream('contract-3001110004', [newEvent('ContractRegistered')]);
    const copy = (version: number, eventId: RawBuilder<unknown>) =>
      sql`insert into events (stream_id, version, event_id, type, data, metadata, hash, tag)
        select stream_id, ${version}, ${eventId}, type, data, metadata, hash, tag from events
        where stream_id = 'contract-3001110004' and version = 1`.execute(db);
    await copy(2, sql`gen_random_uuid()`);
    await sql`alter table events drop constraint events_event_id_key`.execute(db);
    await copy(3, sql`event_id`);
    await untilLogReadable(db, store);
    const found = await untaggedPast({ store, db, tagKey: testTagKey }, fromStart);
    // The original is not named; both copies carry its valid tag.
    expect(found.first.map(({ problem, leaf, version }) => ({ problem, leaf, version }))).toEqual([
      { problem: 'repeated', leaf: 1, version: 2 },
      { problem: 'repeated', leaf: 2, version: 3 },
    ]);
  });
});
