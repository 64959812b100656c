import type { EventStore, RecordedEvent, ReadStreamResult } from './eventStore.js';

export interface StreamCacheOptions {
  /** Events remembered in all, the streams read longest ago forgotten first. */
  readonly maxEvents?: number;
  /** A stream longer than this is read whole each time, not remembered. */
  readonly maxStreamEvents?: number;
}

interface Remembered {
  readonly version: number;
  readonly events: readonly RecordedEvent[];
}

/**
 * The store, remembering the streams it read whole: the next whole read of one asks the store
 * only for the last event remembered and those after it, in one statement that finds no newer
 * one most times. A command or page on a stream that grows all year (a contract, a draft saved
 * again and again, an account) then costs what its last events cost, not its whole history.
 *
 * Streams only grow, so what is remembered stays true in every process: each read still asks the
 * store for the head, and the last event remembered must come back with the same hash (else the
 * stream is read whole again). A read of a range, or with `remembered: false` (whatever checks
 * the hash chain, and must see the rows as they are now), goes to the store as asked.
 *
 * It sits beneath the sealing (sealedEventStore.ts): it keeps events as stored, personal fields
 * sealed, and every read opens them again, so an erasure holds at once. The events it hands out
 * are frozen, shared by every reader.
 */
export function cachingEventStore(inner: EventStore, options: StreamCacheOptions = {}): EventStore {
  // Sized for memory: an event holds up to some tens of kilobytes (a declaration's figures), and
  // what is read again within minutes is a few people's drafts, contracts and accounts.
  const maxEvents = options.maxEvents ?? 2_000;
  const maxStreamEvents = options.maxStreamEvents ?? 500;
  // A Map iterates in insertion order: each read moves its stream to the end, so the first key
  // is the stream read longest ago.
  const remembered = new Map<string, Remembered>();
  let held = 0;

  const forget = (streamId: string) => {
    const entry = remembered.get(streamId);
    if (!entry) return;
    held -= entry.events.length;
    remembered.delete(streamId);
  };

  const remember = (streamId: string, read: ReadStreamResult) => {
    // Two reads of one stream at once: the one that saw further stays.
    if ((remembered.get(streamId)?.version ?? -1) > read.version) return;
    forget(streamId);
    // A stream that does not exist is not kept: a probe of unknown names would fill the map.
    if (read.version === 0 || read.events.length > maxStreamEvents) return;
    remembered.set(streamId, { version: read.version, events: read.events });
    held += read.events.length;
    for (const oldest of remembered.keys()) {
      if (held <= maxEvents) break;
      forget(oldest);
    }
  };

  async function readWhole(streamId: string): Promise<ReadStreamResult> {
    const known = remembered.get(streamId);
    if (!known) {
      const read = await inner.readStream(streamId);
      const events = read.events.map(frozen);
      remember(streamId, { version: read.version, events });
      return { version: read.version, events: [...events] };
    }
    // From the last event remembered on: its hash says the stream is still the one remembered.
    const last = known.events.at(-1)!;
    const read = await inner.readStream(streamId, { fromVersion: last.version });
    const [same, ...newer] = read.events;
    if (same?.version !== last.version || same.hash !== last.hash) {
      // Not the stream remembered (a database restored from a backup, say): read it whole.
      forget(streamId);
      return readWhole(streamId);
    }
    if (newer.length === 0) {
      // The most recently read goes last, unless a read meanwhile put another copy in its place.
      if (remembered.get(streamId) === known) {
        remembered.delete(streamId);
        remembered.set(streamId, known);
      }
      return { version: known.version, events: [...known.events] };
    }
    const events = [...known.events, ...newer.map(frozen)];
    remember(streamId, { version: read.version, events });
    return { version: read.version, events: [...events] };
  }

  return {
    appendToStream: (streamId, events, append) => inner.appendToStream(streamId, events, append),
    readAll: (range) => inner.readAll(range),
    headPosition: () => inner.headPosition(),
    onAppended: (listener) => inner.onAppended(listener),
    ...(inner.chain ? { chain: inner.chain } : {}),
    close: () => inner.close(),
    readStream: (streamId, range) =>
      range === undefined ? readWhole(streamId) : inner.readStream(streamId, range),
  };
}

/**
 * The value and everything in it made read-only: one object shared by every later reader. What is
 * frozen already (an event a state was folded from, the state before) is not walked again.
 */
export function frozen<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) frozen(inner);
  return Object.freeze(value);
}
