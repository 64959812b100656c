import type { DomainEvent } from './decider.js';

/** What every stored event shows: the stream it belongs to, its type and its data. */
export interface StoredEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: object;
}

/**
 * One kind of stream, in one place: its id from the entity's key, the key back from an id, and
 * its stored events read back as the kind's domain events. Only this kind's decider appends to
 * streams with this prefix (no prefix is the start of another kind's), so an event found in one
 * is one of `Event`.
 */
export interface StreamCodec<Key extends readonly unknown[], Event extends DomainEvent> {
  readonly prefix: string;
  readonly id: (...key: Key) => string;
  /** The key as written after the prefix, or null for another kind's stream id. */
  readonly parse: (streamId: string) => string | null;
  /** True for an event of this kind's streams, then typed as the kind's domain event. */
  readonly holds: <Stored extends StoredEvent>(stored: Stored) => stored is Stored & Event;
}

export function streamCodec<Key extends readonly unknown[], Event extends DomainEvent>(
  prefix: string,
  keyText: (...key: Key) => string,
): StreamCodec<Key, Event> {
  const parse = (streamId: string) =>
    streamId.startsWith(prefix) ? streamId.slice(prefix.length) : null;
  return {
    prefix,
    id: (...key) => `${prefix}${keyText(...key)}`,
    parse,
    holds: <Stored extends StoredEvent>(stored: Stored): stored is Stored & Event =>
      parse(stored.streamId) !== null,
  };
}

/** A kind with a single stream (the observatory's admins, the auditors' registers). */
export function singleStream<Event extends DomainEvent>(streamId: string): StreamCodec<[], Event> {
  const parse = (id: string) => (id === streamId ? '' : null);
  return {
    prefix: streamId,
    id: () => streamId,
    parse,
    holds: <Stored extends StoredEvent>(stored: Stored): stored is Stored & Event =>
      parse(stored.streamId) !== null,
  };
}
