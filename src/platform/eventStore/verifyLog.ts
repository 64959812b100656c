import { hash } from 'node:crypto';
import type { ChainBreak, ChainSnapshot, Doubt, EventKey, Linked } from './chainReader.js';
import { storedData, type EventStore, type RecordedEvent } from './eventStore.js';
import { canonicalJson, digestInput } from './hashChain.js';

export type { ChainBreak } from './chainReader.js';

export interface VerifyReport {
  readonly events: number;
  readonly streams: number;
  /** Every broken link, in log order; the first is the one to look at. */
  readonly breaks: readonly ChainBreak[];
}

export interface VerifyOptions {
  readonly batchSize?: number;
  /** Called as the walk goes with the number of events checked so far. */
  readonly onProgress?: (events: number) => void;
  /** Stops the walk (the app is closing). */
  readonly signal?: AbortSignal;
}

/**
 * Re-computes every stream's hash chain over the whole log. A changed event breaks its own link;
 * a removed event leaves a gap in its stream's versions, or (at the end of a stream) a head with
 * no event; an event written past its stream's recorded head is named as added. The store links where it keeps the events (store.chain); the doubts it sends back
 * are settled here.
 */
export async function verifyLog(
  store: EventStore,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const snapshot = store.chain
    ? await store.chain.snapshot()
    : readAllSnapshot(store, options.batchSize ?? 5_000);
  const linked = await snapshot.link(options.onProgress ?? (() => {}), options.signal);
  const breaks = await settle(linked.doubts, snapshot);
  return {
    events: linked.events,
    streams: linked.streams,
    breaks: withHeadBreaks(breaks, store.chain ? await store.chain.headBreaks() : []),
  };
}

/** One stream's chain from its first event, and its recorded head (removed last events). */
export async function verifyStream(store: EventStore, streamId: string): Promise<VerifyReport> {
  const { version, events } = await store.readStream(streamId, { remembered: false });
  const walk = new ChainWalk();
  for (const event of events) walk.check(event);
  const breaks = await settle(walk.doubts, { canonicalDigests: alreadyCanonical });
  const head = store.chain
    ? await store.chain.headBreaks(streamId)
    : missingTail(streamId, events, version);
  return {
    events: events.length,
    streams: events.length > 0 ? 1 : 0,
    breaks: withHeadBreaks(breaks, head),
  };
}

const genesis = Buffer.alloc(32);

/** SHA-256(previous link ‖ digest) equals the stored link. */
function holds(previous: Buffer | null, digest: Buffer, stored: Buffer): boolean {
  return hash('sha256', Buffer.concat([previous ?? genesis, digest]), 'buffer').equals(stored);
}

/**
 * The doubts, in log order: after a gap, the versions missing (the link there cannot be checked);
 * otherwise the link tried again with the stored text re-encoded canonically, altered if it
 * still does not hold.
 */
async function settle(
  doubts: readonly Doubt[],
  snapshot: Pick<ChainSnapshot, 'canonicalDigests'>,
): Promise<ChainBreak[]> {
  const ordered = [...doubts].sort((a, b) => (a.position < b.position ? -1 : 1));
  const linkable = ordered.filter((d) => d.previous !== null || d.version === 1);
  const digests = await snapshot.canonicalDigests(linkable);
  const reEncoded = new Map(linkable.map((d, i) => [d, digests[i]!]));
  return ordered.flatMap((doubt): ChainBreak[] => {
    const { streamId, version } = doubt;
    const digest = reEncoded.get(doubt);
    if (digest === undefined) {
      return Array.from({ length: version - 1 - doubt.lastBefore }, (_, i) => ({
        streamId,
        version: doubt.lastBefore + 1 + i,
        problem: 'missing',
      }));
    }
    return holds(doubt.previous, digest, doubt.stored)
      ? []
      : [{ streamId, version, problem: 'altered' }];
  });
}

/** Breaks found apart from the walk, after it, without repeating one it already named. */
function withHeadBreaks(breaks: ChainBreak[], head: readonly ChainBreak[]): ChainBreak[] {
  const key = (b: ChainBreak) => `${b.streamId}\u0000${b.version}`;
  const known = new Set(breaks.map(key));
  return [...breaks, ...head.filter((b) => !known.has(key(b)))];
}

/** Without the recorded head's hash: the versions the stream has and its events lack. */
function missingTail(
  streamId: string,
  events: readonly RecordedEvent[],
  version: number,
): ChainBreak[] {
  const tail: ChainBreak[] = [];
  for (let missing = (events.at(-1)?.version ?? 0) + 1; missing <= version; missing++) {
    tail.push({ streamId, version: missing, problem: 'missing' });
  }
  return tail;
}

/** Digests made from parsed events are canonical by construction: nothing to re-encode. */
const alreadyCanonical = async (keys: readonly EventKey[]): Promise<Buffer[]> =>
  keys.map(() => genesis);

const recordedDigest = (event: RecordedEvent): Buffer =>
  hash(
    'sha256',
    digestInput(event.type, canonicalJson(storedData(event)), canonicalJson(event.metadata)),
    'buffer',
  );

/**
 * Links events read in each stream's order, in Node: each stream's last stored link. An event
 * out of turn (its version not the next one) is a doubt: after a gap, or a repeat.
 */
class ChainWalk {
  readonly doubts: Doubt[] = [];
  private readonly heads = new Map<string, { version: number; hash: Buffer }>();
  private seq = 0n;

  get streams(): number {
    return this.heads.size;
  }

  check(event: RecordedEvent): void {
    this.seq++;
    const { streamId, version } = event;
    const stored = Buffer.from(event.hash, 'hex');
    const head = this.heads.get(streamId) ?? { version: 0, hash: genesis };
    // After a gap there is nothing to link to; a repeat links to the head, so it cannot hold.
    const previous = version > head.version + 1 ? null : head.hash;
    if (!previous || !holds(previous, recordedDigest(event), stored)) {
      this.doubts.push({
        streamId,
        version,
        position: this.seq,
        stored,
        previous,
        lastBefore: head.version,
      });
    }
    this.heads.set(streamId, { version: Math.max(version, head.version), hash: stored });
  }
}

/** For stores without a read path of their own (KurrentDB): readAll, linked here. */
function readAllSnapshot(store: EventStore, batchSize: number): ChainSnapshot {
  return {
    async link(progress, signal): Promise<Linked> {
      const walk = new ChainWalk();
      let events = 0;
      for (let after = null; ;) {
        const batch = await store.readAll({ after, limit: batchSize });
        signal?.throwIfAborted();
        for (const event of batch) walk.check(event);
        events += batch.length;
        progress(events);
        if (batch.length < batchSize) break;
        after = batch.at(-1)!.position;
      }
      return { events, streams: walk.streams, doubts: walk.doubts };
    },
    canonicalDigests: alreadyCanonical,
  };
}
