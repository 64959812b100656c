/** What an auditor sees in place of a secret. */
export const redacted = '[redatto]';

/** Field names whose values are secrets: password hashes, secrets, tokens (any case, any place). */
const secretName = /password|passwd|secret|token/i;

export const isSecretField = (name: string): boolean => secretName.test(name);

/**
 * Whether this field's value is replaced: a secret's name with something in it. A yes/no or empty
 * value (`mustChangePassword: true`) holds no secret and stays readable. scripts/verifyExport.mjs
 * repeats this rule to accept an export's redactions, and nothing else.
 */
export const holdsSecret = (name: string, value: unknown): boolean =>
  isSecretField(name) && !(value === null || typeof value === 'boolean');

/**
 * A deep copy with every secret field's value replaced, at any depth (arrays included). Applied to
 * data, metadata and replayed state before any auditor view renders them, raw JSON included; the
 * hash chain is always checked on the stored, unredacted event.
 */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => redact(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      holdsSecret(key, item) ? redacted : redact(item),
    ]),
  ) as T;
}
