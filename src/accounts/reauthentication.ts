import type { FastifyRequest } from 'fastify';
import { signInStream } from '../../domain/accounts/signIns.js';
import { italianDuration } from '../../domain/shared/italianDuration.js';
import type { Database } from '../platform/db/database.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { recordEvents } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import { hitRateLimit, readRateLimit, takeHits } from '../platform/http/rateLimit.js';
import { commandContext } from './auth.js';
import { verifyPassword } from './passwords.js';

/**
 * Wrong passwords a signed-in person may type before a step that binds them, in a quarter of an
 * hour. Counted apart from the login's failures, which anyone who knows the username can cause:
 * guessing at the login never stops the owner from sending. Only failures count, so a consultant
 * may send many declarations at once; tries are capped per minute, so guesses sent in parallel,
 * before any failure is counted, stay few.
 */
const failures = { limit: 5, windowSeconds: 15 * 60 };
const tries = { limit: 60, windowSeconds: 60 };
const failuresKey = (accountId: string) => `reauthentication:failures:${accountId}`;
const triesKey = (accountId: string) => `reauthentication:tries:${accountId}`;

const heldBack = (seconds: number) =>
  `Troppe password errate: riprova tra ${italianDuration(seconds)}.`;

/**
 * The signed-in person's password asked again before a step that binds them (INVIA): a session
 * left open is not enough to certify. A wrong password is recorded as a failed sign-in. Returns
 * the message to show beside the field, or null when the password is right.
 */
export async function passwordRefusal(
  deps: { database: Database; eventStore: EventStore },
  request: FastifyRequest,
  password: string,
  now: Date,
  /** What a wrong password is told, in the words of the page that asks for it. */
  wrong = 'La password non è corretta.',
): Promise<string | null> {
  const { db } = deps.database;
  const account = request.account!;
  const key = failuresKey(account.accountId);
  const tried = await hitRateLimit(db, triesKey(account.accountId), tries, now);
  if (!tried.allowed) return heldBack(tried.retryAfterSeconds);
  const failed = await readRateLimit(db, key, failures.windowSeconds, now);
  if (failed.hits >= failures.limit && failed.resetsAt)
    return heldBack(Math.ceil((failed.resetsAt.getTime() - now.getTime()) / 1000));
  if (await verifyPassword(account.passwordHash, password)) {
    await takeHits(db, key);
    return null;
  }
  await hitRateLimit(db, key, failures, now);
  await recordEvents(
    deps.eventStore,
    signInStream.id(account.accountId),
    [
      {
        type: 'SignInFailed',
        data: { username: account.username, reason: 'wrong-password', reauthentication: true },
      },
    ],
    commandContext(request, now),
  );
  return wrong;
}

/**
 * A form refused for its other fields still says whether the password typed in it is right, so
 * that every error shows at once. `check` is the route's own check of the password (recorded and
 * limited as that route does); a password the schema already refused is not checked.
 */
export async function withPasswordError(
  errors: FieldErrors,
  values: Record<string, unknown>,
  check: (password: string) => Promise<string | null>,
  field = 'currentPassword',
): Promise<FieldErrors> {
  const typed = values[field];
  if (errors[field] || typeof typed !== 'string' || typed === '') return errors;
  const refusal = await check(typed);
  return refusal ? { ...errors, [field]: refusal } : errors;
}
