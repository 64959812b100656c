import type { DomainEvent } from '../../domain/shared/decider.js';
import type { Replayer } from './streamKinds.js';

/** The moment to rebuild: after a given version, or before an instant (ISO, exclusive). */
export type AsOf =
  | { readonly kind: 'version'; readonly version: number }
  | { readonly kind: 'time'; readonly before: string };

/** What replaying needs of a stored event. */
export interface ReplayedEvent extends DomainEvent {
  readonly version: number;
  readonly metadata: { readonly occurredAt: string };
}

export interface StateChange {
  /** "declarations.2025.status", "companies[0].name"; '' for the whole state. */
  readonly path: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
}

/** An event the decider could not fold (unknown type, malformed data): the replay stops there. */
export interface ReplayFailure {
  readonly version: number;
  readonly type: string;
  readonly message: string;
}

export interface StateAsOf {
  /** The last version folded in (0: none, the initial state). */
  readonly version: number;
  readonly state: unknown;
  readonly currentVersion: number;
  readonly currentState: unknown;
  /** What changed from that moment to now, path by path. */
  readonly changes: readonly StateChange[];
  /** Set when an event could not be folded; "now" is then the state just before it. */
  readonly failure: ReplayFailure | null;
}

/** One evolve step; a decider meeting what it does not know returns nothing or throws. */
function step(
  replayer: Replayer,
  state: unknown,
  event: ReplayedEvent,
): { state: unknown } | ReplayFailure {
  try {
    const next = replayer.evolve(state, { type: event.type, data: event.data });
    return next === undefined
      ? { version: event.version, type: event.type, message: 'tipo di evento sconosciuto' }
      : { state: next };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { version: event.version, type: event.type, message };
  }
}

/**
 * The stream's entity as it was: its events, in version order, folded through the decider's
 * `evolve` up to the moment, and the same fold to the end for the comparison with now. By time,
 * the replay stops at the first event that occurred after the instant, so the state is always
 * one the stream really went through.
 */
export function stateAsOf(
  replayer: Replayer,
  events: readonly ReplayedEvent[],
  asOf: AsOf,
): StateAsOf {
  const reached = (event: ReplayedEvent) =>
    asOf.kind === 'version'
      ? event.version <= asOf.version
      : event.metadata.occurredAt < asOf.before;
  let state = replayer.initialState();
  let version = 0;
  let current = state;
  let currentVersion = 0;
  let stopped = false;
  let failure: ReplayFailure | null = null;
  for (const event of events) {
    const next = step(replayer, current, event);
    if (!('state' in next)) {
      failure = next;
      break;
    }
    current = next.state;
    currentVersion = event.version;
    if (stopped || !reached(event)) {
      stopped = true;
      continue;
    }
    state = current;
    version = event.version;
  }
  return {
    version,
    state,
    currentVersion,
    currentState: current,
    changes: diffStates(state, current),
    failure,
  };
}

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] =>
  typeof value === 'object' && value !== null;

const child = (path: string, key: string, array: boolean): string =>
  array ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Every difference between two JSON-like values, path by path, in key order. */
export function diffStates(before: unknown, after: unknown, path = ''): StateChange[] {
  if (Object.is(before, after)) return [];
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects =
    isContainer(before) && isContainer(after) && !Array.isArray(before) && !Array.isArray(after);
  if (!bothArrays && !bothObjects) {
    return JSON.stringify(before) === JSON.stringify(after)
      ? []
      : [{ path, change: 'changed', before, after }];
  }
  const then = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(then), ...Object.keys(now)])];
  if (!bothArrays) keys.sort();
  return keys.flatMap((key): StateChange[] => {
    const at = child(path, key, bothArrays);
    if (!(key in now) || now[key] === undefined)
      return then[key] === undefined ? [] : [{ path: at, change: 'removed', before: then[key] }];
    if (!(key in then) || then[key] === undefined)
      return [{ path: at, change: 'added', after: now[key] }];
    return diffStates(then[key], now[key], at);
  });
}
