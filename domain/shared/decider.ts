/** An event as the domain sees it: a type and plain JSON-serialisable data. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * A pure decision model: `decide` turns a command and the current state into new events (or throws
 * a DomainError), `evolve` folds one event into the state. No I/O, no clock, no random ids.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export function fold<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
