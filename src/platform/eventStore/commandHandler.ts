import { createHash } from 'node:crypto';
import type { Decider, DomainEvent } from '../../../domain/shared/decider.js';
import {
  WrongExpectedVersionError,
  type Actor,
  type EventStore,
  type GlobalPosition,
  type JsonObject,
  type NewEvent,
} from './eventStore.js';
import { asDomainEvent, foldStream } from './foldStream.js';

/** Who asks, when and from where; `commandId` makes a retried command idempotent. */
export interface CommandContext {
  readonly commandId: string;
  readonly correlationId: string;
  readonly actor: Actor;
  readonly clientIp: string | null;
  readonly now: Date;
}

export interface CommandResult<State, Event> {
  readonly events: readonly Event[];
  readonly state: State;
  readonly nextExpectedVersion: number;
  /** Where the new events sit in the global log (null when nothing was appended). */
  readonly position: GlobalPosition | null;
}

/**
 * Read the stream, decide, append at the version read; on a concurrent write, read and decide
 * again, a bounded number of times. A command whose events are already in the stream (same
 * commandId, e.g. a double click or a retry after a timeout) returns what it did the first time.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  decider: Decider<State, Command, Event>,
  streamId: string,
  command: Command,
  context: CommandContext,
  options: { maxAttempts?: number } = {},
): Promise<CommandResult<State, Event>> {
  const maxAttempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const { state, version, holds } = await foldStream(store, decider, streamId);
    const before = holds(context.commandId)
      ? await doneBefore<Event>(store, streamId, context.commandId)
      : null;
    if (before) return { ...before, state, nextExpectedVersion: version };
    const events = decider.decide(command, state);
    if (events.length === 0) {
      return { events, state, nextExpectedVersion: version, position: null };
    }
    try {
      const result = await store.appendToStream(
        streamId,
        events.map((event, index) => toNewEvent(event, index, context)),
        { expectedVersion: version },
      );
      return {
        events,
        state: events.reduce((next, event) => decider.evolve(next, event), state),
        nextExpectedVersion: result.nextExpectedVersion,
        position: result.position,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= maxAttempts) throw error;
    }
  }
}

/**
 * A command whose events the stream already holds (a double click, a retry): what it did then,
 * beside the state folded already.
 */
async function doneBefore<Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  commandId: string,
): Promise<Pick<CommandResult<never, Event>, 'events' | 'position'> | null> {
  const { events: recorded } = await store.readStream(streamId);
  const done = recorded.filter((event) => event.metadata.causationId === commandId);
  // Only a database restored to before the command, with its id remembered, finds none.
  if (done.length === 0) return null;
  return { events: done.map(asDomainEvent<Event>), position: done.at(-1)!.position };
}

/** The current state of a stream, for pages that show it before any command. */
export async function readState<State, Event extends DomainEvent>(
  store: EventStore,
  decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
  streamId: string,
): Promise<{ state: State; version: number }> {
  const { state, version } = await foldStream(store, decider, streamId);
  return { state, version };
}

/**
 * Facts that no rule decides (a login, a failed login) are recorded with the same metadata as
 * decided events; `any` version, since nothing is decided from the stream's state.
 */
export async function recordEvents(
  store: EventStore,
  streamId: string,
  events: readonly DomainEvent[],
  context: CommandContext,
): Promise<GlobalPosition> {
  const newEvents = events.map((event, index) => toNewEvent(event, index, context));
  const { position } = await store.appendToStream(streamId, newEvents, { expectedVersion: 'any' });
  return position;
}

function toNewEvent(event: DomainEvent, index: number, context: CommandContext): NewEvent {
  return {
    type: event.type,
    data: event.data as JsonObject,
    metadata: {
      eventId: deterministicUuid(`${context.commandId}:${index}`),
      correlationId: context.correlationId,
      causationId: context.commandId,
      actor: context.actor,
      clientIp: context.clientIp,
      occurredAt: context.now.toISOString(),
    },
  };
}

/** A UUID (version 8, RFC 9562) derived from a name, so a retried command reuses its event ids. */
export function deterministicUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
