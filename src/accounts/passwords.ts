import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of the library (a const enum, which verbatimModuleSyntax cannot import).
const argon2id = 2;

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's recommended minimum). */
export const hashPassword = (password: string): Promise<string> =>
  hash(password, { algorithm: argon2id });

// Checked when the username is unknown, so the answer takes as long either way.
const decoy = hashPassword('decoy-password-for-unknown-users');

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await decoy), password);
  } catch {
    return false;
  }
}
