import type { GlobalPosition } from './eventStore.js';

/** A broken link of a stream's hash chain: an event changed, or removed (a gap in versions). */
export interface ChainBreak {
  readonly streamId: string;
  readonly version: number;
  readonly problem: 'altered' | 'missing';
}

/**
 * One event as the integrity check needs it: its digest inputs as the store keeps them (data and
 * metadata as JSON text, parsed and made canonical by the checker, never by the database) and the
 * stored link.
 */
export interface ChainRecord {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly hash: Buffer;
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
   * What a walk over the log cannot see: streams whose recorded head (version and last hash,
   * kept apart from the events) has no matching last event, e.g. when the last events of a stream
   * were removed, or its last event altered. All streams, or the one named.
   */
  headBreaks(streamId?: string): Promise<ChainBreak[]>;
}
