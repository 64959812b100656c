import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, GlobalPosition } from '../../../src/platform/eventStore/eventStore.js';
import { positionIn } from '../../../src/platform/eventStore/globalPosition.js';
import { logLeaves } from '../../../src/platform/eventStore/logLinks.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { leafHash } from '../../../src/platform/transparency/merkle.js';
import { newEvent, uniqueStream, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

/**
 * The light read the tree check walks the log with: page by page, the same events in the same
 * order as readAll, whatever order the writers' transactions took their ids and positions in.
 */
describe.each(backends())('%s: the log’s links, packed', (backend) => {
  let test: TestDatabase;
  let store: EventStore;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
    store = createPostgresEventStore(test.database);
    // A fresh PGlite's transaction ids are in the hundreds: the appends below cross 1,000, where
    // ids compared as text would sort '999' after '1000'.
    const txid = async () =>
      Number(
        (
          await sql<{ id: string }>`select pg_current_xact_id()::text as id`.execute(
            test.database.db,
          )
        ).rows[0]!.id,
      );
    for (let id = await txid(); id < 980; id = await txid());
    // Eight writers at once: on a server, transaction ids and positions interleave.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const stream = uniqueStream('conta');
        for (let i = 0; i < 12; i++)
          await store.appendToStream(stream, [newEvent('Contato', { i })]);
      }),
    );
    // A transaction open elsewhere on a shared server holds the log's readable end back.
    await untilLogReadable(test.database.db, store);
  });
  afterAll(async () => test?.drop());

  it('gives every event once, in readAll’s order, with its time, id, leaf and place', async () => {
    for (const limit of [1_000, 7]) {
      const counted: number[] = [];
      let after: GlobalPosition | null = null;
      for (let batch; (batch = await store.chain!.links(after, limit)); after = batch.last)
        counted.push(batch.count);
      expect(counted.reduce((a, b) => a + b, 0)).toBe(96);
    }
    const all = await store.readAll({ limit: 1_000 });
    const hashes: string[] = [];
    const ids: string[] = [];
    let after: GlobalPosition | null = null;
    for (let batch; (batch = await store.chain!.links(after, 7)); after = batch.last) {
      for (let i = 0; i < batch.count; i++) {
        hashes.push(batch.hashes.subarray(i * 32, i * 32 + 32).toString('hex'));
        ids.push(await batch.eventId(i));
      }
    }
    expect(hashes).toEqual(all.map((event) => event.hash));
    expect(ids).toEqual(all.map((event) => event.metadata.eventId));
    const times: number[] = [];
    after = null;
    for (let batch; (batch = await store.chain!.datedLinks(after, 7)); after = batch.last)
      times.push(...batch.recordedAt);
    expect(times).toEqual(all.map((event) => Date.parse(event.metadata.recordedAt)));
    const leaves: string[] = [];
    const places: GlobalPosition[] = [];
    after = null;
    for (let batch; (batch = await store.chain!.leaves(after, 7)); after = batch.last) {
      for (let i = 0; i < batch.count; i++) {
        leaves.push(batch.leaves.subarray(i * 32, i * 32 + 32).toString('hex'));
        places.push(positionIn(batch.positions, i));
      }
    }
    // Hashed by the database as RFC 9162 leaves: what Node computes from the chain hashes.
    expect(leaves).toEqual(
      all.map((event) => leafHash(Buffer.from(event.hash, 'hex')).toString('hex')),
    );
    expect(places).toEqual(all.map((event) => event.position));
  });

  it('gives the same leaves through readAll as through the packed read, where a store has none', async () => {
    // A store without the packed read, as KurrentDB is: logLeaves falls back on readAll.
    const readAllCalls: (number | undefined)[] = [];
    const withoutChain: EventStore = {
      ...store,
      chain: undefined,
      readAll(options) {
        readAllCalls.push(options.limit);
        return store.readAll(options);
      },
    };
    const all = await store.readAll({ limit: 1_000 });
    const at = (i: number) => all[i]!.position;
    const shown = (leaves: Awaited<ReturnType<typeof logLeaves>>) =>
      leaves && {
        count: leaves.count,
        leaves: leaves.leaves.toString('hex'),
        positions: leaves.positions.toString('hex'),
        last: leaves.last,
      };
    const ranges: [GlobalPosition | null, number][] = [
      [null, 1_000],
      [null, 7],
      [at(40), 13],
      [at(40), 1_000],
      [at(94), 5],
    ];
    for (const [after, limit] of ranges) {
      const viaReadAll = shown(await logLeaves(withoutChain, after, limit));
      expect(viaReadAll).not.toBeNull();
      expect(viaReadAll).toEqual(shown(await logLeaves(store, after, limit)));
    }
    expect(readAllCalls).toEqual(ranges.map(([, limit]) => limit));
    // Past the end of the log, both say so the same way.
    const end = at(95);
    const beyond = { commit: end.commit + 1_000n, prepare: 0n };
    for (const after of [end, beyond]) {
      expect(await logLeaves(store, after, 10)).toBeNull();
      expect(await logLeaves(withoutChain, after, 10)).toBeNull();
    }
    // Page by page from the start, the fallback walks the whole log once, in order.
    const leaves: string[] = [];
    const places: GlobalPosition[] = [];
    let after: GlobalPosition | null = null;
    for (let batch; (batch = await logLeaves(withoutChain, after, 7)); after = batch.last) {
      for (let i = 0; i < batch.count; i++) {
        leaves.push(batch.leaves.subarray(i * 32, i * 32 + 32).toString('hex'));
        places.push(positionIn(batch.positions, i));
      }
      expect(batch.last).toEqual(places.at(-1));
    }
    expect(leaves).toEqual(
      all.map((event) => leafHash(Buffer.from(event.hash, 'hex')).toString('hex')),
    );
    expect(places).toEqual(all.map((event) => event.position));
  });
});
