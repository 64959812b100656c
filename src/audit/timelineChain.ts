import { storedData, type RecordedEvent } from '../platform/eventStore/eventStore.js';
import { chainHash, eventDigest, genesisHash } from '../platform/eventStore/hashChain.js';

/**
 * ok: the link recomputes; altered: the stored content no longer gives the stored link; missing:
 * the version is gone from the log; unverifiable: the event before it is missing, so its link
 * cannot be recomputed.
 */
export type ChainStatus = 'ok' | 'altered' | 'missing' | 'unverifiable';

export type TimelineEntry =
  | {
      readonly version: number;
      readonly status: Exclude<ChainStatus, 'missing'>;
      readonly event: RecordedEvent;
    }
  | { readonly version: number; readonly status: 'missing'; readonly event: null };

/**
 * Each version from `from` to `to` with its hash-chain status, recomputed from the stored events
 * (which should include version from - 1, whose stored link starts the window). A version the
 * log no longer holds is an entry of its own.
 */
export function chainStatuses(
  events: readonly RecordedEvent[],
  range: { readonly from: number; readonly to: number },
): TimelineEntry[] {
  const byVersion = new Map(events.map((event) => [event.version, event]));
  let previous: { version: number; hash: string } | null =
    range.from <= 1 ? { version: 0, hash: genesisHash } : (byVersion.get(range.from - 1) ?? null);
  const entries: TimelineEntry[] = [];
  for (let version = Math.max(range.from, 1); version <= range.to; version++) {
    const event = byVersion.get(version);
    if (!event) {
      entries.push({ version, status: 'missing', event: null });
      previous = null;
      continue;
    }
    const status =
      previous?.version !== version - 1
        ? 'unverifiable'
        : chainHash(previous.hash, eventDigest(event.type, storedData(event), event.metadata)) ===
            event.hash
          ? 'ok'
          : 'altered';
    entries.push({ version, status, event });
    previous = { version, hash: event.hash };
  }
  return entries;
}
