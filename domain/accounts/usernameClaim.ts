import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import { accountError } from './errors.js';

/**
 * Usernames are unique regardless of case: each one is a stream ("username-mario.rossi") that can
 * be created once, so two people racing for the same name cannot both get it.
 */
export type UsernameEvent = {
  type: 'UsernameClaimed';
  data: { username: string; accountId: string };
};
export type ClaimUsername = { type: 'ClaimUsername'; username: string; accountId: string };
export type UsernameState = { readonly owner: string | null };

export const usernameStream = streamCodec<[username: string], UsernameEvent>(
  'username-',
  (username) => username.trim().toLowerCase(),
);

export const usernameDecider: Decider<UsernameState, ClaimUsername, UsernameEvent> = {
  initialState: () => ({ owner: null }),
  evolve: (_state, event) => ({ owner: event.data.accountId }),
  decide(command, state) {
    if (state.owner === command.accountId) return [];
    if (state.owner) {
      throw accountError(
        'UsernameTaken',
        'conflict',
        'Questo nome utente è già in uso: sceglierne un altro.',
        'username',
      );
    }
    return [
      {
        type: 'UsernameClaimed',
        data: { username: command.username, accountId: command.accountId },
      },
    ];
  },
};
