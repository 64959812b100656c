import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Decider } from '../../../domain/shared/decider.js';
import { readState } from '../../../src/platform/eventStore/commandHandler.js';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { foldMemory } from '../../../src/platform/eventStore/foldStream.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { KeyVault } from '../../../src/platform/personalData/keyVault.js';
import {
  erasedText,
  sealedEventStore,
  type PersonalDataRules,
} from '../../../src/platform/personalData/sealedEventStore.js';
import { newEvent, uniqueStream } from '../../support/events.js';
import {
  backends,
  openTestDatabase,
  postgresUrl,
  type TestDatabase,
} from '../../support/testDatabase.js';

/** `Named` holds a person's name; `Erased` names the persons erased. */
const rules: PersonalDataRules = {
  fields: ({ type, data }) =>
    type === 'Named' && typeof data.personId === 'string'
      ? [{ subject: data.personId, path: ['name'] }]
      : [],
  erased: ({ type, data }) => (type === 'Erased' ? (data.subjects as string[]) : []),
};

/** The names a stream holds, as a state a command could decide on. */
const names: Decider<readonly string[], never, { type: string; data: { name?: string } }> = {
  initialState: () => [],
  evolve: (state, event) => (event.data.name === undefined ? state : [...state, event.data.name]),
  decide: () => [],
};

/** A stream holding Ada's name, and two processes of the portal that have folded it. */
async function foldedInTwoProcesses(test: TestDatabase) {
  const plain = createPostgresEventStore(test.database);
  const masterKey = randomBytes(32);
  const portal = async () => {
    const vault = new KeyVault(test.database.db, masterKey);
    const stopHearing = await vault.hearErasures(test.database);
    return {
      ...sealedEventStore(plain, vault, rules),
      folds: foldMemory({ erasures: () => vault.erasures }),
      vault,
      close: stopHearing,
    };
  };
  const [here, elsewhere] = [await portal(), await portal()];
  const stream = uniqueStream();
  await here.appendToStream(stream, [newEvent('Named', { personId: 'p1', name: 'Ada' })]);
  const namesIn = async (portal: EventStore) => (await readState(portal, names, stream)).state;
  expect(await namesIn(here)).toEqual(['Ada']);
  expect(await namesIn(elsewhere)).toEqual(['Ada']);
  const close = async () => {
    await here.close();
    await elsewhere.close();
  };
  return { here, elsewhere, namesIn, close };
}

describe.each(backends())('%s: a state holding a person, folded before an erasure', (backend) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await openTestDatabase(backend);
  });
  afterEach(async () => test.drop());

  it('is folded again where the erasure was made, and where it is only heard', async () => {
    const { here, elsewhere, namesIn, close } = await foldedInTwoProcesses(test);
    try {
      await test.database.db
        .transaction()
        .execute((trx) => here.sealing.erase(trx, ['p1'], new Date()));

      expect(await namesIn(here)).toEqual([erasedText]);
      // The other process reads no log (it is not the leader): it hears the commit.
      await expect.poll(() => namesIn(elsewhere), { timeout: 5_000 }).toEqual([erasedText]);
    } finally {
      await close();
    }
  });

  it('is not forgotten again when the erasure is read again', async () => {
    const { here, close } = await foldedInTwoProcesses(test);
    try {
      await test.database.db
        .transaction()
        .execute((trx) => here.sealing.erase(trx, ['p1'], new Date()));
      await here.appendToStream(uniqueStream(), [newEvent('Erased', { subjects: ['p1'] })]);
      await expect.poll(() => here.vault.erasures, { timeout: 5_000 }).toBe(2);
      await here.readAll({ limit: 100 });
      await here.readAll({ limit: 100 });
      expect(here.vault.erasures).toBe(2);
    } finally {
      await close();
    }
  });
});

describe.skipIf(!postgresUrl())(
  postgresUrl()
    ? 'postgres: a state folded while an erasure commits'
    : 'a state folded while an erasure commits (skipped: no PostgreSQL server, set DATABASE_URL)',
  () => {
    let test: TestDatabase;
    beforeEach(async () => {
      test = await openTestDatabase('postgres');
    });
    afterEach(async () => test.drop());

    it('is folded again once the erasure commits', async () => {
      const { here, namesIn, close } = await foldedInTwoProcesses(test);
      try {
        await test.database.db.transaction().execute(async (trx) => {
          await here.sealing.erase(trx, ['p1'], new Date());
          // Another request, on another connection: the key is still there until the commit.
          expect(await namesIn(here)).toEqual(['Ada']);
        });

        await expect.poll(() => namesIn(here), { timeout: 5_000 }).toEqual([erasedText]);
      } finally {
        await close();
      }
    });
  },
);
