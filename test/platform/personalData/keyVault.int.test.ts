import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyVault } from '../../../src/platform/personalData/keyVault.js';
import { statementsCounted } from '../../support/statements.js';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

describe('a key read while an erasure is heard', () => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await openTestDatabase('pglite');
  });
  afterEach(async () => test.drop());

  /** A vault whose erasures are heard when the test says, and the statements it sends. */
  async function vaultHearing() {
    const vault = new KeyVault(test.database.db, randomBytes(32));
    let heard = () => {};
    await vault.hearErasures({
      listen: async (_channel, onNotify) => {
        heard = () => onNotify('');
        return async () => {};
      },
    });
    return { vault, heard: () => heard(), ...statementsCounted(test.database.db) };
  }

  it('is not remembered by id: its row may be older than the erasure', async () => {
    const { vault, heard, statements, db } = await vaultHearing();
    const { keyId } = (await vault.keyFor('p1'))!;
    const reading = vault.keysById([keyId], db);
    heard();
    expect((await reading).has(keyId)).toBe(true);

    await vault.keysById([keyId], db);
    expect(statements).toHaveLength(2);
    await vault.keysById([keyId], db);
    expect(statements).toHaveLength(2);
  });

  it('is not remembered for its subject either', async () => {
    const { vault, heard } = await vaultHearing();
    const making = vault.keyFor('p2');
    heard();
    const made = await making;
    await test.database.db
      .deleteFrom('personal_data_keys')
      .where('subject_id', '=', 'p2')
      .execute();

    // Read again, not remembered: a new key, as the row is gone.
    expect((await vault.keyFor('p2'))!.keyId).not.toBe(made!.keyId);
  });
});
