import type { Decider } from '../../domain/shared/decider.js';
import { DomainError } from '../../domain/shared/domainError.js';

/** A tiny decider for testing the machinery, not the product. */
export type CounterEvent =
  | { type: 'CounterIncremented'; data: { by: number } }
  | { type: 'CounterClosed'; data: Record<string, never> };
export type CounterCommand = { type: 'Increment'; by: number } | { type: 'Close' };
export interface CounterState {
  value: number;
  closed: boolean;
}

export const counterDecider: Decider<CounterState, CounterCommand, CounterEvent> = {
  initialState: () => ({ value: 0, closed: false }),
  evolve(state, event) {
    switch (event.type) {
      case 'CounterIncremented':
        return { ...state, value: state.value + event.data.by };
      case 'CounterClosed':
        return { ...state, closed: true };
    }
  },
  decide(command, state) {
    if (state.closed) throw new DomainError('CounterClosed', 'conflict', 'Il contatore è chiuso.');
    switch (command.type) {
      case 'Increment':
        if (command.by <= 0) {
          throw new DomainError('NotPositive', 'validation', 'Indicare un numero positivo.', 'by');
        }
        return [{ type: 'CounterIncremented', data: { by: command.by } }];
      case 'Close':
        return [{ type: 'CounterClosed', data: {} }];
    }
  },
};
