import type { GlobalPosition } from './eventStore.js';

/** A broken link of a stream's hash chain: an event changed, or removed (a gap in versions). */
export interface ChainBreak {
  readonly streamId: string;
  readonly version: number;
  /** added: an event the stream's recorded head does not account for (beyond it, or no head). */
  readonly problem: 'altered' | 'missing' | 'added';
}

/** An event named by stream and version. */
export interface EventKey {
  readonly streamId: string;
  readonly version: number;
}

/**
 * An event whose stored link did not hold with the digest of its stored text: altered, or stored
 * as text that is not the canonical one (jsonb's, before migrations/0010), or after a gap.
 */
export interface Doubt extends EventKey {
  /** Its place in the log, to report breaks in log order. */
  readonly position: bigint;
  readonly stored: Buffer;
  /** The link of the event before it in its stream; null when there is none. */
  readonly previous: Buffer | null;
  /** Without a previous link: the stream's highest version below this one (0 if none). */
  readonly lastBefore: number;
}

/** What linking a whole snapshot of the log found. */
export interface Linked {
  readonly events: number;
  readonly streams: number;
  readonly doubts: readonly Doubt[];
}

/**
 * The integrity check's read path, for adapters that can offer a faster one than readAll: the
 * events are linked where they are kept. Optional in the port (KurrentDB has none).
 */
export interface ChainReader {
  /**
   * The log as committed at this moment, to be linked: what other sessions commit meanwhile is
   * left out, and nothing committed now is (a long transaction elsewhere holds back readAll, not
   * this).
   */
  snapshot(): Promise<ChainSnapshot>;
  /**
   * Streams whose recorded head (version and last hash, kept apart from the events) has no
   * matching last event: its last events removed, or its last event altered. All, or the one named.
   */
  headBreaks(streamId?: string): Promise<ChainBreak[]>;
  /**
   * The next events' links in log order (the order readAll gives), packed, without their
   * content: what the Merkle tree over the log is checked against. null past the end of the log.
   */
  links(after: GlobalPosition | null, limit: number): Promise<LinkBatch | null>;
  /** The same links with their recording times: what the tree check dates them by. */
  datedLinks(after: GlobalPosition | null, limit: number): Promise<DatedLinks | null>;
  /** The next events as the tree over the log takes them in: leaf hashes and places. */
  leaves(after: GlobalPosition | null, limit: number): Promise<LogLeaves | null>;
}

/** Some events' links, in log order. */
export interface LinkBatch {
  readonly count: number;
  /** The events' chain hashes, 32 bytes each, one after the other. */
  readonly hashes: Buffer;
  /** The last event's place: where the next batch starts. */
  readonly last: GlobalPosition;
  /** The id of the batch's i-th event, asked for when one is to be named. */
  eventId(i: number): Promise<string>;
}

/** Links with each event's metadata.recordedAt, in milliseconds since the epoch. */
export interface DatedLinks extends LinkBatch {
  readonly recordedAt: readonly number[];
}

/**
 * Some events as the Merkle tree over the log takes them in: their RFC 9162 leaf hashes (of their
 * chain hashes), computed where the events are, and their places in the log, 16 bytes each
 * (globalPosition.ts: packPositions). The checks hash the leaves themselves, from `links`.
 */
export interface LogLeaves {
  readonly count: number;
  readonly leaves: Buffer;
  readonly positions: Buffer;
  readonly last: GlobalPosition;
}

export interface ChainSnapshot {
  /**
   * Links every event of the snapshot to the one before it in its stream, `progress` told the
   * events linked so far; the events whose link does not hold come back as doubts.
   */
  link(progress: (events: number) => void, signal?: AbortSignal): Promise<Linked>;
  /** The digests of these events with their stored JSON re-encoded canonically, in order. */
  canonicalDigests(events: readonly EventKey[]): Promise<Buffer[]>;
}
