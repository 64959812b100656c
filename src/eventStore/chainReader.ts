import type { GlobalPosition } from './eventStore.js';

/** A broken link of a stream's hash chain: an event changed, or removed (a gap in versions). */
export interface ChainBreak {
  readonly streamId: string;
  readonly version: number;
  readonly problem: 'altered' | 'missing';
}

/**
 * One event as the integrity check needs it: the SHA-256 of its digest input as stored (for the
 * PostgreSQL store, computed by the database over the stored canonical text) and the stored link.
 */
export interface ChainRecord {
  readonly streamId: string;
  readonly version: number;
  readonly digest: Buffer;
  readonly hash: Buffer;
}

/** An event named by stream and version. */
export interface EventKey {
  readonly streamId: string;
  readonly version: number;
}

/**
 * The integrity check's read path, for adapters that can offer a faster one than readAll: only
 * the columns the check needs, no event objects built. Optional in the port (KurrentDB has none).
 */
export interface ChainReader extends ChainSnapshot {
  /**
   * The log as committed at this moment, to be walked batch by batch: what other sessions commit
   * meanwhile is left out, and nothing committed now is (a long transaction elsewhere holds back
   * `read`, as it holds back readAll, not this). verifyLog walks one.
   */
  snapshot(): Promise<ChainSnapshot>;
}

export interface ChainSnapshot {
  /** The events in commit order (like readAll); `last` is where the next read starts. */
  read(
    after: GlobalPosition | null,
    limit: number,
  ): Promise<{ records: ChainRecord[]; last: GlobalPosition | null }>;
  /**
   * The digests of these events with their stored JSON re-encoded canonically, in the same
   * order: for events whose stored text is not the canonical one (stored as jsonb before
   * migrations/0010), or altered. Asked only for the events whose link did not hold.
   */
  canonicalDigests(events: readonly EventKey[]): Promise<Buffer[]>;
  /**
   * What a walk over the log cannot see: streams whose recorded head (version and last hash,
   * kept apart from the events) has no matching last event, e.g. when the last events of a stream
   * were removed, or its last event altered. All streams, or the one named.
   */
  headBreaks(streamId?: string): Promise<ChainBreak[]>;
}
