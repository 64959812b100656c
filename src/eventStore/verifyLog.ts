import { hash } from 'node:crypto';
import type { ChainBreak, ChainReader, ChainSnapshot } from './chainReader.js';
import type { EventStore, RecordedEvent } from './eventStore.js';
import { canonicalJsonText } from './canonicalJsonText.js';
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
 * with no event. The next batch is read while this one is hashed.
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
      next.catch(() => undefined); // awaited on the next turn; handled if hashing throws first
    }
    for (const record of records) {
      const { streamId, version, type, data, metadata, hash } = record;
      walk.check(streamId, version, digestInput(type, data, metadata), hash, () =>
        digestInput(type, canonicalJsonText(data), canonicalJsonText(metadata)),
      );
    }
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
      recordedDigestInput(event),
      Buffer.from(event.hash, 'hex'),
    );
  }
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

/** Each stream's last stored link, checked event by event with two SHA-256 and no other garbage. */
class ChainWalk {
  readonly breaks: ChainBreak[] = [];
  private readonly heads = new Map<string, { version: number; hash: Buffer }>();
  private readonly link = Buffer.alloc(64);

  get streams(): number {
    return this.heads.size;
  }

  /**
   * `input` is the digest input as stored; `canonical`, when the stored text may not be canonical
   * (events stored as jsonb before migrations/0010, another store's JSON), re-encodes it.
   */
  check(
    streamId: string,
    version: number,
    input: string,
    stored: Buffer,
    canonical?: () => string,
  ): void {
    let head = this.heads.get(streamId);
    if (!head) {
      head = { version: 0, hash: genesis };
      this.heads.set(streamId, head);
    }
    if (version === head.version + 1) {
      const holds =
        this.holds(head.hash, input, stored) ||
        (canonical !== undefined && this.holds(head.hash, canonical(), stored));
      if (!holds) {
        this.breaks.push({ streamId, version, problem: 'altered' });
      }
    } else if (version > head.version) {
      // The link after a gap cannot be checked: the event it chains to is gone.
      for (let missing = head.version + 1; missing < version; missing++) {
        this.breaks.push({ streamId, version: missing, problem: 'missing' });
      }
    } else {
      this.breaks.push({ streamId, version, problem: 'altered' });
    }
    head.version = version;
    head.hash = stored;
  }

  /** Breaks found apart from the walk, without repeating one it already named. */
  addHeadBreaks(found: readonly ChainBreak[]): void {
    if (found.length === 0) return;
    const known = new Set(this.breaks.map((b) => `${b.streamId}\u0000${b.version}`));
    for (const b of found) {
      if (!known.has(`${b.streamId}\u0000${b.version}`)) this.breaks.push(b);
    }
  }

  /** SHA-256(previous link ‖ SHA-256(canonical content)) equals the stored link. */
  private holds(previous: Buffer, input: string, stored: Buffer): boolean {
    previous.copy(this.link, 0);
    hash('sha256', input, 'buffer').copy(this.link, 32);
    return hash('sha256', this.link, 'buffer').equals(stored);
  }
}

const recordedDigestInput = (event: RecordedEvent): string =>
  canonicalJson({ type: event.type, data: event.data, metadata: event.metadata });

/** For stores without a read path of their own (KurrentDB): the events of readAll. */
function readAllChainReader(store: EventStore): ChainReader {
  const walk: ChainSnapshot = {
    async read(after, limit) {
      const events = await store.readAll({ after, limit });
      const records = events.map((event) => ({
        streamId: event.streamId,
        version: event.version,
        type: event.type,
        data: canonicalJson(event.data),
        metadata: canonicalJson(event.metadata),
        hash: Buffer.from(event.hash, 'hex'),
      }));
      return { records, last: events.at(-1)?.position ?? null };
    },
    async headBreaks() {
      return [];
    },
  };
  return { ...walk, snapshot: async () => walk };
}
