/**
 * The event store port. Every adapter (PostgreSQL, PGlite, KurrentDB) keeps the same semantics,
 * proven by the contract suite in test/eventStore/eventStoreContract.ts.
 */
import type { DomainEvent } from '../../../domain/shared/decider.js';
import type { ChainReader } from './chainReader.js';
import type { FoldMemory } from './foldStream.js';
import type { OpenedField, Sealing } from '../personalData/sealedEventStore.js';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Stream version = number of events in the stream; an empty stream is at version 0. */
export type ExpectedVersion = 'any' | 'no-stream' | 'stream-exists' | number;

export interface Actor {
  readonly id: string;
  readonly role: string;
  /** For a declarant's person: the organisation they act for. */
  readonly organisationId?: string;
}

export interface EventMetadata {
  readonly eventId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: Actor;
  readonly clientIp: string | null;
  /** Business time, from the injected clock of the command. */
  readonly occurredAt: string;
  /** Store time, set by the adapter when it writes. */
  readonly recordedAt: string;
}

export interface NewEvent {
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: Omit<EventMetadata, 'recordedAt'>;
}

/**
 * A position in the global, commit-ordered log. PostgreSQL: (transaction id, row position);
 * KurrentDB: (commit position, prepare position). Compared lexicographically.
 */
export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface RecordedEvent {
  readonly streamId: string;
  readonly version: number;
  readonly position: GlobalPosition;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  /** SHA-256 chain link, hex: covers the previous link and this event's type, data and metadata. */
  readonly hash: string;
  /**
   * The portal's tag (eventTags.ts), hex: what shows the portal wrote this event. Absent where
   * the reader does not give it, null on an event written without one.
   */
  readonly tag?: string | null;
  /**
   * The data as the log keeps them, when `data` shows them otherwise: personal fields opened by
   * the sealing (src/platform/personalData). Whatever checks a hash reads this (storedData).
   */
  readonly stored?: JsonObject;
  /** The personal fields opened, where `stored` is given. */
  readonly opened?: readonly OpenedField[];
}

/** What the chain covers: the data as stored, whatever a reader was shown. */
export const storedData = (event: RecordedEvent): JsonObject => event.stored ?? event.data;

/** A stored event read back as its domain event (see domain/shared/streamCodec.ts). */
export type Recorded<Event extends DomainEvent> = RecordedEvent & Event;

export interface AppendResult {
  readonly nextExpectedVersion: number;
  readonly position: GlobalPosition;
}

export interface AppendOptions {
  readonly expectedVersion?: ExpectedVersion;
  /**
   * Where the log stood before this batch could first have been appended (the position of what
   * caused it): a retry of the batch is looked for among the stream's events after it. The
   * PostgreSQL adapter finds any retry by its event ids and needs none; KurrentDB, without it,
   * looks only at the stream's latest batch and at the versions right after an exact version.
   */
  readonly retrySince?: GlobalPosition;
}

export interface ReadStreamOptions {
  /** First version to return (1-based). */
  readonly fromVersion?: number;
  /** Last version to return, inclusive. */
  readonly toVersion?: number;
  /**
   * False: from the store itself, never from a copy remembered in memory (streamCache.ts).
   * Whatever checks the hash chain reads so, to see the rows as they are now.
   */
  readonly remembered?: false;
}

export interface ReadStreamResult {
  /** The stream's version at the time of the read (0 when it does not exist). */
  readonly version: number;
  readonly events: RecordedEvent[];
}

export interface ReadAllOptions {
  /** Return events strictly after this position; null or absent for the start of the log. */
  readonly after?: GlobalPosition | null;
  readonly limit: number;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  /** The global log in commit order; never skips an event committed by a concurrent writer. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event a reader can see now; null for an empty log. */
  headPosition(): Promise<GlobalPosition | null>;
  /** Calls `listener` (without arguments) after new events may have been appended. */
  onAppended(listener: () => void): Promise<() => Promise<void>>;
  /** A faster read path for the integrity check (verifyLog); readAll serves when absent. */
  readonly chain?: ChainReader;
  /** Opens personal fields read by other paths (SQL on the log); absent where none are sealed. */
  readonly sealing?: Sealing;
  /** States folded from streams, kept in memory (foldStream.ts); absent, streams are read whole. */
  readonly folds?: FoldMemory;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
  ) {
    super(`Stream ${streamId}: event ids already used elsewhere: ${eventIds.join(', ')}`);
  }
}
