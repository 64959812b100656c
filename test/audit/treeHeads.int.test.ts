import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedTree } from '../../projections/audit/merkleTree.js';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import { headOrigin, signTreeHead } from '../../src/audit/treeHeadSigning.js';
import {
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/platform/transparency/merkle.js';
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

  it('signs again when an event came in between reading the tree and recording the head', async () => {
    await grow(1);
    // Another writer commits while the head is on its way: the head leaves that event out.
    const racing = {
      ...ctx.store,
      async appendToStream(...args: Parameters<typeof ctx.store.appendToStream>) {
        await ctx.store.appendToStream(uniqueStream('concorrente'), [newEvent('InMezzo')]);
        return ctx.store.appendToStream(...args);
      },
    };
    const raced = await signTreeHead({ ...deps(), store: racing });
    await settle(ctx);
    const next = await signTreeHead(deps());
    // Its event is past the raced head, before the head's own: the next head takes both in.
    expect(next?.head.size).toBe(raced!.head.size + 2);
    await settle(ctx);
    expect(await signTreeHead(deps())).toBeNull();
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

  it('proves to anyone that an event is in the signed tree, and that the tree only grew', async () => {
    const head = (await latestTreeHead(ctx.test.database.db))!;
    const [, second] = await ctx.store.readAll({ limit: 2 });
    const visitor = new TestClient(ctx.app);
    const answer = await visitor.get(`/trasparenza/inclusione?evento=${second!.metadata.eventId}`);
    expect(answer.statusCode).toBe(200);
    const inclusion = JSON.parse(answer.body) as {
      foglia: number;
      hashFoglia: string;
      dimensione: number;
      prova: string[];
      testa: { radice: string; firma: string };
    };
    expect(inclusion).toMatchObject({ foglia: 1, dimensione: head.size });
    const leaf = leafHash(Buffer.from(second!.hash, 'hex'));
    expect(inclusion.hashFoglia).toBe(leaf.toString('hex'));
    const proof = inclusion.prova.map((hash) => Buffer.from(hash, 'hex'));
    const root = Buffer.from(inclusion.testa.radice, 'hex');
    expect(verifyInclusion(leaf, 1, head.size, proof, root)).toBe(true);

    const grew = JSON.parse(
      (await visitor.get(`/trasparenza/coerenza?da=5&a=${head.size}`)).body,
    ) as { radiceDa: string; radiceA: string; prova: string[] };
    expect(
      verifyConsistency(
        5,
        head.size,
        Buffer.from(grew.radiceDa, 'hex'),
        Buffer.from(grew.radiceA, 'hex'),
        grew.prova.map((hash) => Buffer.from(hash, 'hex')),
      ),
    ).toBe(true);
    expect(grew.radiceA).toBe(head.root.toString('hex'));
  });

  it('answers a clear refusal for what it cannot prove', async () => {
    const head = (await latestTreeHead(ctx.test.database.db))!;
    const visitor = new TestClient(ctx.app);
    for (const [url, status] of [
      ['/trasparenza/inclusione?evento=non-un-id', 400],
      [`/trasparenza/inclusione?evento=${crypto.randomUUID()}`, 404],
      [`/trasparenza/coerenza?da=3&a=2`, 400],
      [`/trasparenza/coerenza?da=1&a=${head.size + 1}`, 404],
      ['/trasparenza/coerenza?da=-1&a=2', 400],
    ] as const) {
      const answer = await visitor.get(url);
      expect(answer.statusCode, url).toBe(status);
      expect((JSON.parse(answer.body) as { errore: string }).errore).toMatch(/\w/);
    }
  });
});
