import { hash } from 'node:crypto';
import type { ChainBreak, ChainReader, ChainSnapshot, EventKey } from './chainReader.js';
import type { EventStore, RecordedEvent } from './eventStore.js';
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
  /** Called after each batch with the number of events checked so far. */
  readonly onProgress?: (events: number) => void;
  /** Stops the walk at the next batch (the app is closing). */
  readonly signal?: AbortSignal;
}

/**
 * Walks the global log once, re-computing each stream's hash chain. A changed event breaks its own
 * link; a removed event leaves a gap in its stream's versions, or (at the end of a stream) a head
 * with no event. The next batch is read while this one is linked.
 */
export async function verifyLog(
  store: EventStore,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const reader = await (store.chain ?? readAllChainReader(store)).snapshot();
  const batchSize = options.batchSize ?? 5_000;
  const walk = new ChainWalk();
  let events = 0;
  let next = reader.read(null, batchSize);
  for (;;) {
    const { records, last } = await next;
    options.signal?.throwIfAborted();
    const more = last !== null && records.length === batchSize;
    if (more) {
      next = reader.read(last, batchSize);
      next.catch(() => undefined); // awaited on the next turn; handled if linking throws first
    }
    for (const record of records) {
      walk.check(record.streamId, record.version, record.digest, record.hash);
    }
    await walk.settle((keys) => reader.canonicalDigests(keys));
    events += records.length;
    options.onProgress?.(events);
    if (!more) break;
  }
  walk.addHeadBreaks(await reader.headBreaks());
  return { events, streams: walk.streams, breaks: walk.breaks };
}

/** One stream's chain from its first event, and its recorded head (removed last events). */
export async function verifyStream(store: EventStore, streamId: string): Promise<VerifyReport> {
  const { version, events } = await store.readStream(streamId);
  const walk = new ChainWalk();
  for (const event of events) {
    walk.check(
      event.streamId,
      event.version,
      recordedDigest(event),
      Buffer.from(event.hash, 'hex'),
    );
  }
  await walk.settle(alreadyCanonical);
  walk.addHeadBreaks(
    store.chain ? await store.chain.headBreaks(streamId) : missingTail(streamId, events, version),
  );
  return { events: events.length, streams: events.length > 0 ? 1 : 0, breaks: walk.breaks };
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

const genesis = Buffer.alloc(32);

/**
 * For digests made from parsed events (canonical by construction): there is nothing to
 * re-encode, and a link that did not hold stays broken.
 */
const alreadyCanonical = async (keys: readonly EventKey[]): Promise<Buffer[]> =>
  keys.map(() => genesis);

/** A link that did not hold with the stored text's digest, to be tried re-encoded. */
interface Doubt extends EventKey {
  readonly previous: Buffer;
  readonly stored: Buffer;
  /** Where its break goes among the others, should it be one. */
  readonly seq: number;
}

/**
 * Each stream's last stored link, checked event by event with one SHA-256 and no other garbage.
 * Breaks are kept in log order: a doubt settled later still takes its place.
 */
class ChainWalk {
  /** Breaks with the number of the event at which they showed. */
  private readonly found: { seq: number; problem: ChainBreak }[] = [];
  private seq = 0;
  private readonly heads = new Map<string, { version: number; hash: Buffer }>();
  private readonly link = Buffer.alloc(64);
  private doubts: Doubt[] = [];

  get streams(): number {
    return this.heads.size;
  }

  get breaks(): ChainBreak[] {
    return this.found.sort((a, b) => a.seq - b.seq).map((entry) => entry.problem);
  }

  check(streamId: string, version: number, digest: Buffer, stored: Buffer): void {
    this.seq++;
    let head = this.heads.get(streamId);
    if (!head) {
      head = { version: 0, hash: genesis };
      this.heads.set(streamId, head);
    }
    if (version === head.version + 1) {
      if (!this.holds(head.hash, digest, stored)) {
        this.doubts.push({ streamId, version, previous: head.hash, stored, seq: this.seq });
      }
    } else if (version > head.version) {
      // The link after a gap cannot be checked: the event it chains to is gone.
      for (let missing = head.version + 1; missing < version; missing++) {
        this.add({ streamId, version: missing, problem: 'missing' });
      }
    } else {
      this.add({ streamId, version, problem: 'altered' });
    }
    head.version = version;
    head.hash = stored;
  }

  /** Tries each doubtful link again with the digest of its re-encoded text. */
  async settle(canonicalDigests: (keys: readonly EventKey[]) => Promise<Buffer[]>): Promise<void> {
    if (this.doubts.length === 0) return;
    const doubts = this.doubts;
    this.doubts = [];
    const digests = await canonicalDigests(doubts);
    doubts.forEach((doubt, i) => {
      if (!this.holds(doubt.previous, digests[i]!, doubt.stored)) {
        const { streamId, version, seq } = doubt;
        this.found.push({ seq, problem: { streamId, version, problem: 'altered' } });
      }
    });
  }

  /** Breaks found apart from the walk, without repeating one it already named. */
  addHeadBreaks(found: readonly ChainBreak[]): void {
    if (found.length === 0) return;
    const known = new Set(this.found.map(({ problem: b }) => `${b.streamId}\u0000${b.version}`));
    for (const b of found) {
      if (!known.has(`${b.streamId}\u0000${b.version}`)) this.add(b);
    }
  }

  private add(problem: ChainBreak): void {
    this.found.push({ seq: this.seq, problem });
  }

  /** SHA-256(previous link ‖ digest) equals the stored link. */
  private holds(previous: Buffer, digest: Buffer, stored: Buffer): boolean {
    previous.copy(this.link, 0);
    digest.copy(this.link, 32);
    return hash('sha256', this.link, 'buffer').equals(stored);
  }
}

const recordedDigest = (event: RecordedEvent): Buffer =>
  hash(
    'sha256',
    digestInput(event.type, canonicalJson(event.data), canonicalJson(event.metadata)),
    'buffer',
  );

/** For stores without a read path of their own (KurrentDB): the events of readAll. */
function readAllChainReader(store: EventStore): ChainReader {
  const walk: ChainSnapshot = {
    async read(after, limit) {
      const events = await store.readAll({ after, limit });
      const records = events.map((event) => ({
        streamId: event.streamId,
        version: event.version,
        digest: recordedDigest(event),
        hash: Buffer.from(event.hash, 'hex'),
      }));
      return { records, last: events.at(-1)?.position ?? null };
    },
    canonicalDigests: alreadyCanonical,
    async headBreaks() {
      return [];
    },
  };
  return { ...walk, snapshot: async () => walk };
}
