import { describe, expect, it } from 'vitest';
import { fold } from '../../../domain/shared/decider.js';
import { counterDecider } from '../../support/counterDecider.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(counterDecider);

describe('the decider helpers', () => {
  it('fold replays events through evolve from the initial state', () => {
    const state = fold(counterDecider, [
      { type: 'CounterIncremented', data: { by: 2 } },
      { type: 'CounterIncremented', data: { by: 3 } },
    ]);
    expect(state).toEqual({ value: 5, closed: false });
  });

  it('given/when/then checks the events decided', () => {
    spec
      .given([])
      .when({ type: 'Increment', by: 4 })
      .then([{ type: 'CounterIncremented', data: { by: 4 } }]);
  });

  it('given/when/thenThrows checks the error code and field', () => {
    spec.given([]).when({ type: 'Increment', by: 0 }).thenThrows('NotPositive', 'by');
    spec
      .given([{ type: 'CounterClosed', data: {} }])
      .when({ type: 'Close' })
      .thenThrows('CounterClosed');
  });

  it('given/when/then fails when the decision differs', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'Increment', by: 4 })
        .then([{ type: 'CounterIncremented', data: { by: 5 } }]),
    ).toThrow();
    expect(() =>
      spec.given([]).when({ type: 'Increment', by: 4 }).thenThrows('NotPositive'),
    ).toThrow();
  });
});
