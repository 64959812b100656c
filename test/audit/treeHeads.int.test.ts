import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedTree } from '../../projections/audit/merkleTree.js';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import { headOrigin, signTreeHead } from '../../src/audit/treeHeadSigning.js';
import { verifyConsistency } from '../../src/platform/transparency/merkle.js';
import { verifyHead } from '../../src/platform/transparency/treeHead.js';
import { TestClient } from '../support/client.js';
import { newEvent, uniqueStream } from '../support/events.js';
import { settle, startTestApp, testSeal, type TestApp } from '../support/testApp.js';

describe('signed tree heads of the log', () => {
  let ctx: TestApp;
  const deps = () => ({
    db: ctx.test.database.db,
    store: ctx.store,
    seal: testSeal,
    origin: headOrigin('Servizio Idrico Integrato'),
    clock: () => new Date(),
  });
  const grow = async (events: number) => {
    const stream = uniqueStream('crescita');
    for (let i = 0; i < events; i++)
      await ctx.store.appendToStream(stream, [newEvent('Cresciuto')]);
    await settle(ctx);
  };

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => ctx?.close());

  it('signs the tree when the log grew, records the head, and not again for the head alone', async () => {
    expect(await signTreeHead(deps())).toBeNull();
    await grow(5);
    const first = await signTreeHead(deps());
    expect(first?.head.size).toBe(5);
    expect(verifyHead(first!.head, testSeal.publicKey)).toBe(true);
    await settle(ctx);
    expect(await latestTreeHead(ctx.test.database.db)).toMatchObject({ size: 5, version: 1 });
    // The log holds the head now (6 events), but nothing else came: no new head.
    expect(await signTreeHead(deps())).toBeNull();

    await grow(3);
    const second = await signTreeHead(deps());
    expect(second?.head.size).toBe(9);
    await settle(ctx);
    // Anyone holding the first head can check the second extends it.
    const proof = await storedTree(ctx.test.database.db).consistencyProof(5, 9);
    expect(verifyConsistency(5, 9, first!.head.root, second!.head.root, proof)).toBe(true);
  });

  it('records one head when two processes sign at once', async () => {
    await grow(2);
    const before = (await latestTreeHead(ctx.test.database.db))!.version;
    const tries = await Promise.all([signTreeHead(deps()), signTreeHead(deps())]);
    expect(tries.filter(Boolean)).toHaveLength(1);
    await settle(ctx);
    expect((await latestTreeHead(ctx.test.database.db))!.version).toBe(before + 1);
  });

  it('shows the newest head and publishes the key, to anyone', async () => {
    const head = (await latestTreeHead(ctx.test.database.db))!;
    const visitor = new TestClient(ctx.app);
    const page = await visitor.get('/trasparenza');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Trasparenza del registro');
    expect(page.body).toContain(head.root.toString('hex'));
    expect(page.body).toContain(head.signature);
    const key = await visitor.get('/trasparenza/chiave');
    expect(key.statusCode).toBe(200);
    expect(key.body).toBe(testSeal.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  });
});
