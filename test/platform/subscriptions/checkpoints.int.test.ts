import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GlobalPosition } from '../../../src/platform/eventStore/eventStore.js';
import {
  CheckpointMovedError,
  loadCheckpoint,
  moveCheckpoints,
} from '../../../src/platform/subscriptions/checkpoints.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const at = (n: number): GlobalPosition => ({ commit: BigInt(n), prepare: BigInt(n) });

describe.each(backends())('%s: checkpoints moved by compare-and-set', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(() => test.drop());

  const positions = async (names: readonly string[]) =>
    Promise.all(names.map((name) => loadCheckpoint(test.database.db, name)));

  it('moves every one still where the batch began, and none if one was moved meanwhile', async () => {
    const db = test.database.db;
    const names = ['cas_a', 'cas_b'];
    await positions(names); // made at the start of the log
    await db.transaction().execute((trx) => moveCheckpoints(trx, names, at(0), at(5)));
    expect(await positions(names)).toEqual([at(5), at(5)]);

    // Another process took cas_b further: the batch from 5 is refused whole, naming it.
    await moveCheckpoints(db, ['cas_b'], at(5), at(9));
    const refused = db.transaction().execute((trx) => moveCheckpoints(trx, names, at(5), at(12)));
    await expect(refused).rejects.toThrow(CheckpointMovedError);
    await expect(refused).rejects.toThrow('cas_b');
    expect(await positions(names)).toEqual([at(5), at(9)]);
  });

  it('moves nothing when what the transaction applies after the move fails', async () => {
    const db = test.database.db;
    await positions(['cas_c']);
    const failed = db.transaction().execute(async (trx) => {
      await moveCheckpoints(trx, ['cas_c'], at(0), at(3));
      throw new Error('the batch failed');
    });
    await expect(failed).rejects.toThrow('the batch failed');
    expect(await positions(['cas_c'])).toEqual([at(0)]);
  });
});
