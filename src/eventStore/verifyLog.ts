import type { EventStore, GlobalPosition } from './eventStore.js';
import { chainHash, eventDigest, genesisHash } from './hashChain.js';

export interface ChainBreak {
  readonly streamId: string;
  readonly version: number;
  readonly problem: 'altered' | 'missing';
}

export interface VerifyReport {
  readonly events: number;
  readonly streams: number;
  /** Every broken link, in log order; the first is the one to look at. */
  readonly breaks: readonly ChainBreak[];
}

/**
 * Walks the global log once, re-computing each stream's hash chain. A changed event breaks its own
 * link; a removed event leaves a gap in its stream's versions.
 */
export async function verifyLog(
  store: EventStore,
  options: { batchSize?: number; onProgress?: (events: number) => void } = {},
): Promise<VerifyReport> {
  const batchSize = options.batchSize ?? 2_000;
  const heads = new Map<string, { version: number; hash: string }>();
  const breaks: ChainBreak[] = [];
  let after: GlobalPosition | null = null;
  let events = 0;
  for (;;) {
    const batch = await store.readAll({ after, limit: batchSize });
    for (const event of batch) {
      const head = heads.get(event.streamId) ?? { version: 0, hash: genesisHash };
      if (event.version !== head.version + 1) {
        breaks.push({ streamId: event.streamId, version: head.version + 1, problem: 'missing' });
      } else if (
        chainHash(head.hash, eventDigest(event.type, event.data, event.metadata)) !== event.hash
      ) {
        breaks.push({ streamId: event.streamId, version: event.version, problem: 'altered' });
      }
      heads.set(event.streamId, { version: event.version, hash: event.hash });
    }
    events += batch.length;
    options.onProgress?.(events);
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) break;
    after = last.position;
  }
  return { events, streams: heads.size, breaks };
}
