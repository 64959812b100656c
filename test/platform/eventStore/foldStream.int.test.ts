import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Decider } from '../../../domain/shared/decider.js';
import {
  handleCommand,
  readState,
  type CommandContext,
} from '../../../src/platform/eventStore/commandHandler.js';
import type { EventStore, ReadStreamOptions } from '../../../src/platform/eventStore/eventStore.js';
import { foldMemory } from '../../../src/platform/eventStore/foldStream.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { newEvent, uniqueStream } from '../../support/events.js';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

type Tally = { type: 'Counted'; data: { by: number } } | { type: 'Named'; data: { name: string } };
interface TallyState {
  readonly total: number;
  readonly names: readonly string[];
}

/** Adds what each event counts; a command counts once more. */
const tally: Decider<TallyState, { by: number }, Tally> = {
  initialState: () => ({ total: 0, names: [] }),
  evolve: (state, event) =>
    event.type === 'Counted'
      ? { ...state, total: state.total + event.data.by }
      : { ...state, names: [...state.names, event.data.name] },
  decide: (command) => [{ type: 'Counted', data: { by: command.by } }],
};
/** Another reading of the same streams: how many events. */
const counter: Decider<number, never, Tally> = {
  initialState: () => 0,
  evolve: (count) => count + 1,
  decide: () => [],
};

const context = (commandId = randomUUID()): CommandContext => ({
  commandId,
  correlationId: randomUUID(),
  actor: { id: 'account-test', role: 'declarant' },
  clientIp: '203.0.113.7',
  now: new Date('2026-12-07T10:00:00Z'),
});

/** The reads the folds ask of the store, by the version each starts at (undefined: whole). */
function watched(store: EventStore) {
  const reads: (ReadStreamOptions | undefined)[] = [];
  const inner: EventStore = {
    ...store,
    readStream(streamId, range) {
      reads.push(range);
      return store.readStream(streamId, range);
    },
  };
  return { inner, fromVersions: () => reads.splice(0).map((range) => range?.fromVersion) };
}

describe('a state folded from a stream read again', () => {
  let test: TestDatabase;
  let plain: EventStore;
  beforeEach(async () => {
    test = await openTestDatabase('pglite');
    plain = createPostgresEventStore(test.database);
  });
  afterEach(async () => test.drop());

  const counted = (by: number) => newEvent('Counted', { by });

  it('folds only the events after the one it remembers, wherever they were appended', async () => {
    const { inner, fromVersions } = watched(plain);
    const store = { ...inner, folds: foldMemory() };
    const stream = uniqueStream();
    await plain.appendToStream(stream, [counted(1), counted(2), counted(3)]);

    expect(await readState(store, tally, stream)).toMatchObject({
      state: { total: 6 },
      version: 3,
    });
    await handleCommand(store, tally, stream, { by: 10 }, context());
    // Another process appends.
    await plain.appendToStream(stream, [counted(100)]);
    expect(await readState(store, tally, stream)).toMatchObject({
      state: { total: 116 },
      version: 5,
    });
    expect(await readState(store, tally, stream)).toMatchObject({ version: 5 });

    expect(fromVersions()).toEqual([undefined, 3, 3, 5]);
    // The same as a fold of the whole stream.
    expect(await readState(plain, tally, stream)).toMatchObject({ state: { total: 116 } });
  });

  it('answers a command already in the stream with what it did then', async () => {
    const store = { ...plain, folds: foldMemory() };
    const stream = uniqueStream();
    const retried = context();
    const first = await handleCommand(store, tally, stream, { by: 5 }, retried);
    await handleCommand(store, tally, stream, { by: 7 }, context());
    const again = await handleCommand(store, tally, stream, { by: 5 }, retried);

    expect(again.events).toEqual(first.events);
    expect(again.position).toEqual(first.position);
    expect((await plain.readStream(stream)).version).toBe(2);
    expect(again.state.total).toBe(12);
  });

  it('folds the stream whole when its last event folded is not the one stored', async () => {
    const memory = foldMemory();
    const stream = uniqueStream();
    await plain.appendToStream(stream, [counted(1), counted(2)]);
    expect((await readState({ ...plain, folds: memory }, tally, stream)).state.total).toBe(3);
    // The same stream name in another database, as after a restore from a backup.
    const other = await openTestDatabase('pglite');
    try {
      const restored = createPostgresEventStore(other.database);
      await restored.appendToStream(stream, [counted(40), counted(2), counted(1)]);
      expect((await readState({ ...restored, folds: memory }, tally, stream)).state.total).toBe(43);
    } finally {
      await other.drop();
    }
  });

  it('keeps each decider its own state of a stream', async () => {
    const store = { ...plain, folds: foldMemory() };
    const stream = uniqueStream();
    await plain.appendToStream(stream, [counted(4), newEvent('Named', { name: 'Ada' })]);

    expect((await readState(store, tally, stream)).state).toEqual({ total: 4, names: ['Ada'] });
    expect((await readState(store, counter, stream)).state).toBe(2);
    expect((await readState(store, tally, stream)).state.total).toBe(4);
  });

  it('hands out states no reader can change for the next', async () => {
    const store = { ...plain, folds: foldMemory() };
    const stream = uniqueStream();
    await plain.appendToStream(stream, [newEvent('Named', { name: 'Ada' })]);
    const { state } = await readState(store, tally, stream);

    expect(() => (state.names as string[]).push('Grace')).toThrow(TypeError);
    expect((await readState(store, tally, stream)).state.names).toEqual(['Ada']);
  });

  it('keeps the state that saw further when two reads of one stream end out of order', () => {
    const memory = foldMemory();
    const folded = (version: number) => ({
      decider: tally,
      state: { total: version, names: [] },
      version,
      hash: `hash-${version}`,
      commands: new Set<string>(),
      erasures: 0,
    });
    memory.remember('stream-1', folded(5));
    memory.remember('stream-1', folded(3));

    expect(memory.recall(tally, 'stream-1')?.version).toBe(5);
  });

  it('forgets the streams used longest ago, and never keeps one that does not exist', async () => {
    const { inner, fromVersions } = watched(plain);
    const store = { ...inner, folds: foldMemory({ maxStates: 2 }) };
    const [first, second, third] = [uniqueStream(), uniqueStream(), uniqueStream()];
    for (const stream of [first, second, third]) await plain.appendToStream(stream, [counted(1)]);
    for (const stream of [first, second, third, second, first]) {
      await readState(store, tally, stream);
    }
    const missing = uniqueStream();
    await readState(store, tally, missing);
    await readState(store, tally, missing);

    expect(fromVersions()).toEqual([
      undefined,
      undefined,
      undefined,
      1,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
