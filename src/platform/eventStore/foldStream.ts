import { fold, type Decider, type DomainEvent } from '../../../domain/shared/decider.js';
import type { EventStore, RecordedEvent } from './eventStore.js';
import { frozen } from './streamCache.js';

type Evolving<State, Event extends DomainEvent> = Pick<
  Decider<State, never, Event>,
  'evolve' | 'initialState'
>;

/** A stream's state as a decider folds it, at the version it was read. */
export interface FoldedStream<State> {
  readonly state: State;
  readonly version: number;
  /** Whether the stream holds events of this command: a retry, whose events are then read. */
  readonly holds: (commandId: string) => boolean;
}

export interface RememberedState {
  readonly decider: object;
  readonly state: unknown;
  readonly version: number;
  /** The hash of the last event folded: the next read starts there and must find it again. */
  readonly hash: string;
  /**
   * The commands the stream's events came from. It only grows, shared by the states folded from
   * this one: a command id in it is one of the stream's, whichever version asks.
   */
  readonly commands: Set<string>;
  /** The erasures seen when the stream was read (below). */
  readonly erasures: number;
}

/**
 * States folded from whole streams, kept in memory per stream and decider. A command or page on
 * a stream that grows all year (a month's drafts, a contract, a municipality's mandates) then
 * reads, opens and folds only the events after the state remembered, in one statement, rather
 * than its whole history every time.
 *
 * Streams only grow, so a state remembered stays the state of its stream's first events whatever
 * other processes append: the read starts at the last event folded, which must come back with the
 * same hash (else the stream is folded whole again). A state may hold personal fields opened by
 * the sealing: every erasure this process sees (`erasures`: made here, or heard as it commits in
 * any process, keyVault.ts) forgets every state folded before it, so that an erased name does not
 * live on in memory.
 */
export interface FoldMemory {
  recall(decider: object, streamId: string): RememberedState | undefined;
  remember(streamId: string, remembered: RememberedState): void;
  forget(streamId: string): void;
  /** How many erasures this process has seen: a state folded before the last one is dropped. */
  erasures(): number;
}

export function foldMemory(
  options: { readonly maxStates?: number; readonly erasures?: () => number } = {},
): FoldMemory {
  // A state is mostly a few kilobytes (an account, a municipality's mandates), up to some hundreds
  // for a month of hundreds of rows or a contract with years of figures; what is folded again
  // within minutes is some hundreds of people's months, contracts and accounts.
  const maxStates = options.maxStates ?? 500;
  const erasures = options.erasures ?? (() => 0);
  // A Map iterates in insertion order: each use moves its stream to the end, so the first key is
  // the stream used longest ago.
  const states = new Map<string, RememberedState>();
  let erasuresKnown = erasures();
  /** After an erasure, no state folded before it stays in memory, used or not. */
  const current = () => {
    if (erasures() === erasuresKnown) return;
    erasuresKnown = erasures();
    for (const [streamId, state] of states)
      if (state.erasures !== erasuresKnown) states.delete(streamId);
  };
  return {
    erasures,
    forget: (streamId) => states.delete(streamId),
    recall(decider, streamId) {
      current();
      const known = states.get(streamId);
      if (known?.decider !== decider) return undefined;
      states.delete(streamId);
      states.set(streamId, known);
      return known;
    },
    remember(streamId, remembered) {
      current();
      if (remembered.erasures !== erasuresKnown) return;
      const known = states.get(streamId);
      // Two reads of one stream at once: the one that saw further stays.
      if (known?.decider === remembered.decider && known.version > remembered.version) return;
      states.delete(streamId);
      states.set(streamId, remembered);
      for (const oldest of states.keys()) {
        if (states.size <= maxStates) break;
        states.delete(oldest);
      }
    },
  };
}

/**
 * The stream's state: from the state the store's memory keeps (`folds`) and the events after it,
 * or from the whole stream where it keeps none.
 */
export async function foldStream<State, Event extends DomainEvent>(
  store: EventStore,
  decider: Evolving<State, Event>,
  streamId: string,
): Promise<FoldedStream<State>> {
  const known = store.folds?.recall(decider, streamId);
  return known ? foldAfter(store, decider, streamId, known) : foldWhole(store, decider, streamId);
}

async function foldWhole<State, Event extends DomainEvent>(
  store: EventStore,
  decider: Evolving<State, Event>,
  streamId: string,
): Promise<FoldedStream<State>> {
  const memory = store.folds;
  const erasures = memory?.erasures() ?? 0;
  const { version, events } = await store.readStream(streamId);
  const state = fold(decider, events.map(asDomainEvent<Event>));
  const commands = new Set(events.flatMap(commandOf));
  // A stream that does not exist is not kept: a probe of unknown names would fill the memory.
  const last = events.at(-1);
  if (memory && last) {
    memory.remember(streamId, {
      decider,
      state: frozen(state),
      version,
      hash: last.hash,
      commands,
      erasures,
    });
  }
  return { state, version, holds: (commandId) => commands.has(commandId) };
}

async function foldAfter<State, Event extends DomainEvent>(
  store: EventStore,
  decider: Evolving<State, Event>,
  streamId: string,
  known: RememberedState,
): Promise<FoldedStream<State>> {
  const read = await store.readStream(streamId, { fromVersion: known.version });
  const [same, ...newer] = read.events;
  if (same?.version !== known.version || same.hash !== known.hash) {
    // Not the stream remembered (a database restored from a backup, say): fold it whole.
    store.folds?.forget(streamId);
    return foldWhole(store, decider, streamId);
  }
  let state = known.state as State;
  for (const event of newer) {
    state = decider.evolve(state, asDomainEvent<Event>(event));
    for (const commandId of commandOf(event)) known.commands.add(commandId);
  }
  const last = newer.at(-1);
  if (last) {
    store.folds?.remember(streamId, {
      ...known,
      state: frozen(state),
      version: last.version,
      hash: last.hash,
    });
  }
  return {
    state,
    version: last?.version ?? known.version,
    holds: (commandId) => known.commands.has(commandId),
  };
}

export const asDomainEvent = <Event extends DomainEvent>(event: RecordedEvent): Event =>
  ({ type: event.type, data: event.data }) as Event;

const commandOf = (event: RecordedEvent): string[] =>
  event.metadata.causationId === null ? [] : [event.metadata.causationId];
