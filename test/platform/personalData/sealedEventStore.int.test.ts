import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { verifyLog } from '../../../src/platform/eventStore/verifyLog.js';
import { KeyVault } from '../../../src/platform/personalData/keyVault.js';
import {
  erasedText,
  sealedEventStore,
  unreadableText,
  type PersonalDataRules,
} from '../../../src/platform/personalData/sealedEventStore.js';
import { tamper } from '../../audit/verifySupport.js';
import { newEvent } from '../../support/events.js';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

/** `Named` holds a person's name and e-mail; `Erased` names the persons erased. */
const rules: PersonalDataRules = {
  fields: ({ type, data }) =>
    type === 'Named' && typeof data.personId === 'string'
      ? [
          { subject: data.personId, path: ['name'] },
          { subject: data.personId, path: ['contact', 'email'] },
        ]
      : [],
  erased: ({ type, data }) => (type === 'Erased' ? (data.subjects as string[]) : []),
};

const named = (personId: string, name: string, note = 'nota libera') =>
  newEvent('Named', { personId, name, contact: { email: `${personId}@example.it` }, note });

describe('personal fields sealed per person in the log', () => {
  let test: TestDatabase;
  let masterKey: Buffer;
  let inner: EventStore;
  const storeOf = (key = masterKey) =>
    sealedEventStore(inner, new KeyVault(test.database.db, key), rules);
  const storedData = async (streamId: string) =>
    (await inner.readStream(streamId)).events.map((event) => event.data);

  beforeEach(async () => {
    test = await openTestDatabase('pglite');
    masterKey = randomBytes(32);
    inner = createPostgresEventStore(test.database);
  });
  afterEach(async () => test.drop());

  it('stores the fields sealed and reads them back in clear; the chain covers what is stored', async () => {
    const store = storeOf();
    await store.appendToStream('person-1', [named('p1', 'Ada Lovelace')]);
    const [stored] = await storedData('person-1');
    expect(stored!.name).toMatch(/^sealed:v1:[0-9a-f-]{36}:/);
    expect((stored!.contact as { email: string }).email).toMatch(/^sealed:v1:/);
    expect(stored!.note).toBe('nota libera');
    const [read] = (await store.readStream('person-1')).events;
    expect(read!.data).toEqual({
      personId: 'p1',
      name: 'Ada Lovelace',
      contact: { email: 'p1@example.it' },
      note: 'nota libera',
    });
    expect(read!.stored).toEqual(stored);
    expect((await verifyLog(store)).breaks).toEqual([]);
    const [fromLog] = await store.readAll({ limit: 10 });
    expect(fromLog!.data.name).toBe('Ada Lovelace');
  });

  it('keeps text that only looks sealed as typed, in any field', async () => {
    const store = storeOf();
    const lookalike = 'sealed:v1:00000000-0000-0000-0000-000000000000:AAAA';
    await store.appendToStream('person-2', [named('p2', lookalike, lookalike)]);
    const [read] = (await store.readStream('person-2')).events;
    expect(read!.data).toMatchObject({ name: lookalike, note: lookalike });
  });

  it('opens a sealed value only in the event and field it was sealed for', async () => {
    const store = storeOf();
    await store.appendToStream('person-3', [named('p3', 'Grace Hopper')]);
    await store.appendToStream('person-4', [named('p3', 'Altro nome')]);
    const [original] = await storedData('person-3');
    // A database administrator copies the sealed name into another event of the same person.
    await tamper(
      test.database,
      sql`update events set data = jsonb_set(data::jsonb, '{name}', to_jsonb(${original!.name}::text))::json
          where stream_id = 'person-4'`,
    );
    const [moved] = (await store.readStream('person-4')).events;
    expect(moved!.data.name).toBe(unreadableText);
    expect((await verifyLog(store)).breaks).toEqual([
      expect.objectContaining({ streamId: 'person-4', version: 1 }),
    ]);
  });

  it('erases: the fields read «[dato cancellato]», the chain still holds, nothing is sealed again', async () => {
    const store = storeOf();
    await store.appendToStream('person-5', [named('p5', 'Hedy Lamarr'), named('p6', 'Altra')]);
    await store.sealing.erase(test.database.db, ['p5'], new Date());
    const [erased, other] = (await store.readStream('person-5')).events;
    expect(erased!.data).toMatchObject({ name: erasedText, contact: { email: erasedText } });
    expect(other!.data.name).toBe('Altra');
    expect((await verifyLog(store)).breaks).toEqual([]);
    await store.appendToStream('person-5', [named('p5', 'Hedy Lamarr')]);
    expect((await storedData('person-5'))[2]!.name).toBe(erasedText);
    const { rows } = await sql<{ n: string }>`
      select count(*)::text as n from personal_data_keys where subject_id = 'p5'`.execute(
      test.database.db,
    );
    expect(rows[0]!.n).toBe('1');
  });

  it('hides values stored in clear before sealing began once their person is erased', async () => {
    const store = storeOf();
    await inner.appendToStream('person-9', [named('p9', 'Anna Kuliscioff')]);
    expect((await store.readStream('person-9')).events[0]!.data.name).toBe('Anna Kuliscioff');
    await store.sealing.erase(test.database.db, ['p9'], new Date());
    const [old] = (await store.readStream('person-9')).events;
    expect(old!.data).toMatchObject({ name: erasedText, contact: { email: erasedText } });
    expect(old!.stored!.name).toBe('Anna Kuliscioff');
    expect((await verifyLog(store)).breaks).toEqual([]);
  });

  it('forgets a key another process erased once it reads the erasure from the log', async () => {
    const first = storeOf();
    const second = storeOf();
    await first.appendToStream('person-7', [named('p7', 'Rita Levi-Montalcini')]);
    expect((await second.readStream('person-7')).events[0]!.data.name).toBe('Rita Levi-Montalcini');
    await first.sealing.erase(test.database.db, ['p7'], new Date());
    await first.appendToStream('erasures', [newEvent('Erased', { subjects: ['p7'] })]);
    await second.readAll({ limit: 10 });
    expect((await second.readStream('person-7')).events[0]!.data.name).toBe(erasedText);
  });

  it('refuses to read with another master key rather than show the data as erased', async () => {
    await storeOf().appendToStream('person-8', [named('p8', 'Maria Montessori')]);
    await expect(storeOf(randomBytes(32)).readStream('person-8')).rejects.toThrow(
      /does not open with the master key/,
    );
  });
});
