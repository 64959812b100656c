import { randomUUID } from 'node:crypto';
import { memoryTree } from '../support/memoryTree.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedTree, treeSize } from '../../projections/audit/merkleTree.js';
import { auditLogOf, leafOfEvent } from '../../src/audit/auditLog.js';
import type { RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import {
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/platform/transparency/merkle.js';
import { newEvent, uniqueStream } from '../support/events.js';
import { settle, startTestApp, type TestApp } from '../support/testApp.js';

/** The tree the merkle_tree view keeps, against one built in memory from the log itself. */
describe('the Merkle tree over the log', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => ctx?.close());

  async function wholeLog(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let after = null as RecordedEvent['position'] | null; ;) {
      const batch = await ctx.store.readAll({ after, limit: 500 });
      if (batch.length === 0) return events;
      events.push(...batch);
      after = batch.at(-1)!.position;
    }
  }

  it('takes in every event in commit order, and proves each one and every earlier tree', async () => {
    const streams = [uniqueStream('albero'), uniqueStream('albero'), uniqueStream('albero')];
    // Appends in parallel, so batches and commits interleave as in a busy portal; past 512
    // events, so the leaves fill tiles and the tiles' roots start the level above.
    await Promise.all(
      streams.map(async (stream, s) => {
        for (let i = 0; i < 12; i++)
          await ctx.store.appendToStream(stream, [newEvent('Piantato', { s, i })]);
        for (let i = 0; i < 9; i++)
          await ctx.store.appendToStream(
            stream,
            Array.from({ length: 20 }, (_, j) => newEvent('Cresciuto', { s, i, j })),
          );
      }),
    );
    await settle(ctx);

    const log = await wholeLog();
    const leaves = log.map((event) => leafHash(Buffer.from(event.hash, 'hex')));
    const size = await treeSize(ctx.test.database.db);
    expect(size).toBe(log.length);
    const tree = storedTree(ctx.test.database.db);
    const root = await tree.root(size);
    expect(root.equals(await memoryTree(leaves).root(size))).toBe(true);

    for (const [index, event] of log.entries()) {
      expect(
        await leafOfEvent(ctx.test.database.db, auditLogOf(ctx.store), event.metadata.eventId),
      ).toBe(index);
      const proof = await tree.inclusionProof(index, size);
      expect(verifyInclusion(leaves[index]!, index, size, proof, root)).toBe(true);
    }
    const auditLog = auditLogOf(ctx.store);
    expect(await leafOfEvent(ctx.test.database.db, auditLog, randomUUID())).toBeNull();
    expect(await leafOfEvent(ctx.test.database.db, auditLog, 'non-un-id')).toBeNull();
    for (const first of [1, 5, 255, 256, 257, 511, 512, size - 1]) {
      const proof = await tree.consistencyProof(first, size);
      expect(verifyConsistency(first, size, await tree.root(first), root, proof)).toBe(true);
    }
  });

  it('is rebuilt from the start of the log to the same root', async () => {
    const db = ctx.test.database.db;
    const size = await treeSize(db);
    const before = await storedTree(db).root(size);
    await ctx.projections.rebuild('merkle_tree');
    expect(await treeSize(db)).toBe(size);
    expect((await storedTree(db).root(size)).equals(before)).toBe(true);
  });
});
