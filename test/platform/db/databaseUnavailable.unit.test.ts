import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../src/platform/db/databaseUnavailable.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises a connection refused, reset or timed out', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
  });

  it('recognises the server shutting down, starting, full, or a connection exception', () => {
    for (const code of ['57P01', '57P02', '57P03', '53300', '08006', '08001', '08P01'])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
  });

  it('recognises what pg-pool, node-postgres, kysely and PGlite say without a code', () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'driver has already been destroyed',
      'PGlite is closed',
    ])
      expect(isDatabaseUnavailable(new Error(message)), message).toBe(true);
  });

  it('follows causes and the attempts of an AggregateError', () => {
    const wrapped = new Error('query failed', { cause: withCode('ECONNREFUSED') });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    const attempts = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]);
    expect(isDatabaseUnavailable(attempts)).toBe(true);
  });

  it('leaves a wrong query, a broken constraint or a plain bug to be a 500', () => {
    for (const error of [
      withCode('42601', 'syntax error at or near "selec"'),
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('22021', 'invalid byte sequence for encoding "UTF8": 0x00'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'Connection terminated',
      null,
    ])
      expect(isDatabaseUnavailable(error), String(error)).toBe(false);
  });
});
