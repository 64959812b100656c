import { hash, verify } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';
import { atMost } from '../platform/concurrency/atMost.js';

// Algorithm.Argon2id of the library (a const enum, which verbatimModuleSyntax cannot import).
const argon2id = 2;

/**
 * argon2id with the library's defaults (19 MiB, 2 passes: OWASP's recommended minimum). Under the
 * test runner (NODE_ENV=test) the cheapest parameters, 1 MiB and 1 pass, so that thousands of
 * logins in the suite do not cost minutes; a hash carries its parameters, so verification
 * follows whichever made it.
 */
const parameters =
  process.env.NODE_ENV === 'test'
    ? { algorithm: argon2id, memoryCost: 1024, timeCost: 1 }
    : { algorithm: argon2id };

/**
 * The library runs each hash on libuv's pool of 4 threads, 19 MiB apiece: logins at a deadline
 * took 76 MB at once. As many as there are cores is as fast (on two, half the memory).
 */
const hashing = atMost(availableParallelism());

export const hashPassword = (password: string): Promise<string> =>
  hashing(() => hash(password, parameters));

// Checked when the username is unknown, so the answer takes as long either way.
const decoy = hashPassword('decoy-password-for-unknown-users');

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  try {
    const stored = passwordHash ?? (await decoy);
    return await hashing(() => verify(stored, password));
  } catch {
    return false;
  }
}
