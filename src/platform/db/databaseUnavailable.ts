// The socket to the server: refused, reset, timed out, unreachable, or a name that no longer
// resolves (a container that is restarting).
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATE: admin shutdown, crash shutdown, cannot connect now (starting or in recovery), too many
// connections; class 08 is "connection exception" as a whole.
const serverCodes = new Set(['57P01', '57P02', '57P03', '53300']);
const connectionExceptionClass = /^08[0-9A-Z]{3}$/;

// What node-postgres, pg-pool, kysely and PGlite say, without a code, when there is no connection.
const connectionMessages =
  /^(Connection terminated|timeout exceeded when trying to connect|Client (has encountered a connection error|was closed) and is not queryable|driver has already been destroyed|PGlite is clos(ed|ing))/;

function isConnectionFailure(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  const known =
    typeof code === 'string' &&
    (networkCodes.has(code) || serverCodes.has(code) || connectionExceptionClass.test(code));
  return known || connectionMessages.test(error.message);
}

/**
 * Whether an error says the database cannot be reached, rather than that a query was wrong: then
 * the page is a 503, "try again shortly", not a 500. Causes and the attempts of an AggregateError
 * (one per address of the host) are followed.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (isConnectionFailure(error)) return true;
  if (
    error instanceof AggregateError &&
    error.errors.some((e) => isDatabaseUnavailable(e, depth + 1))
  )
    return true;
  return isDatabaseUnavailable(error.cause, depth + 1);
}
