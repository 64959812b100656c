import { sql } from 'kysely';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { untaggedPast } from '../../src/audit/eventTagCheck.js';
import { hasValidTag, tagKeyFrom } from '../../src/platform/eventStore/eventTags.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { sealKeyFrom } from '../../src/platform/transparency/treeHead.js';
import { newEvent } from '../support/events.js';
import { testTagKey } from '../support/testApp.js';
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
    const read = await store.readAll({ after: null, limit: 10 });
    expect(read.map((event) => event.tag)).toEqual(events.map((event) => event.tag));
  });

  it('names the events without a valid tag, except those written before tags began', async () => {
    test = await openTestDatabase(backend);
    const { db } = test.database;
    const deps = { store: createPostgresEventStore(test.database), db, tagKey: testTagKey };
    const tagged = createPostgresEventStore(test.database, { tagKey: testTagKey });
    // Two events written as before migration 0036, then one by the portal.
    await deps.store.appendToStream('contract-3001110003', [
      newEvent('ContractRegistered'),
      newEvent('ContractValidated'),
    ]);
    await tagged.appendToStream('contract-3001110003', [newEvent('ContractClaimed')]);
    const found = await untaggedPast(deps, fromStart);
    expect(found.count).toBe(2);
    expect(found.first.map(({ leaf, version }) => ({ leaf, version }))).toEqual([
      { leaf: 0, version: 1 },
      { leaf: 1, version: 2 },
    ]);
    // The same log as migration 0036 finds it on an installation that had those two.
    await sql`delete from event_tags_start`.execute(db);
    await sql`insert into event_tags_start (after_position)
      select position from events where stream_id = 'contract-3001110003' and version = 2`.execute(
      db,
    );
    expect(await untaggedPast(deps, fromStart)).toEqual({ count: 0, first: [] });
    // The portal's own event with its tag taken off, and an old one given a wrong tag.
    await sql`alter table events disable trigger events_append_only`.execute(db);
    await sql`update events set tag = case version when 3 then null else ${Buffer.alloc(32)}::bytea end
      where stream_id = 'contract-3001110003' and version in (1, 3)`.execute(db);
    await sql`alter table events enable trigger events_append_only`.execute(db);
    const stripped = await untaggedPast(deps, fromStart);
    expect(stripped.first.map(({ version }) => version)).toEqual([1, 3]);
    // From a later leaf, as the signer and the check start past the latest head.
    const [, second] = await deps.store.readAll({ after: null, limit: 2 });
    expect(
      (await untaggedPast(deps, { leaf: 2, after: second!.position, skip: 0 })).first,
    ).toMatchObject([{ leaf: 2, version: 3 }]);
    expect(await untaggedPast(deps, { leaf: 1, after: null, skip: 1 }, { count: 1 })).toEqual({
      count: 0,
      first: [],
    });
  });
});
