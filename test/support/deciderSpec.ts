import { expect } from 'vitest';
import { fold, type Decider, type DomainEvent } from '../../domain/shared/decider.js';
import { DomainError } from '../../domain/shared/domainError.js';

/**
 * Given past events, when a command is decided, then these events (or this coded error):
 *   spec(decider).given([...]).when(command).then([...])
 */
export function deciderSpec<State, Command, Event extends DomainEvent>(
  decider: Decider<State, Command, Event>,
) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command) {
          const decide = () => decider.decide(command, fold(decider, events));
          return {
            then(expected: readonly Event[]): void {
              expect(decide()).toEqual(expected);
            },
            thenThrows(code: string, field?: string): void {
              let caught: unknown;
              try {
                decide();
              } catch (error) {
                caught = error;
              }
              expect(caught, `expected the decision to fail with ${code}`).toBeInstanceOf(
                DomainError,
              );
              expect((caught as DomainError).code).toBe(code);
              if (field !== undefined) expect((caught as DomainError).field).toBe(field);
            },
          };
        },
      };
    },
  };
}
