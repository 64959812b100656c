import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/shared/domainError.js';
import { compact, maxFormRows, nestFields } from '../../../src/platform/http/forms.js';

/** A body as the urlencoded parser gives it: every name an own key, even '__proto__[x]'. */
const body = (pairs: Record<string, string>) => Object.fromEntries(Object.entries(pairs));

const refusal = (fields: Record<string, string>): DomainError<string> => {
  try {
    nestFields(body(fields));
  } catch (error) {
    if (error instanceof DomainError) return error as DomainError<string>;
    throw error;
  }
  throw new Error('nestFields accepted the body');
};

describe('nestFields', () => {
  it('nests repeated blocks into objects and arrays', () => {
    const nested = nestFields(
      body({
        'companies[0][name]': 'Euro Oil SRL',
        'companies[2][contracts][1][cap]': '40055',
        privacy: 'on',
      }),
    );
    expect(JSON.parse(JSON.stringify(nested))).toEqual({
      companies: [{ name: 'Euro Oil SRL' }, null, { contracts: [null, { cap: '40055' }] }],
      privacy: 'on',
    });
  });

  it('keeps the last value of a repeated name', () => {
    expect(nestFields({ 'righe[0][eerCode]': ['200301', '200108'] })).toMatchObject({
      righe: [{ eerCode: '200108' }],
    });
  });

  it('builds blocks that inherit nothing from Object.prototype and print as empty', () => {
    const nested = nestFields(body({ 'companies[0][name]': 'X', 'a[b]': 'c' }));
    const companies = nested.companies as object[];
    for (const block of [nested, companies[0], nested.a] as object[]) {
      expect(Object.prototype.isPrototypeOf.call(Object.prototype, block)).toBe(false);
      expect('constructor' in block).toBe(false);
    }
    expect(String(nested.a)).toBe('');
  });

  it.each([
    '__proto__[polluted]',
    'constructor[prototype][polluted]',
    'companies[0][__proto__][polluted]',
    'righe[constructor][polluted]',
    'a[prototype]',
  ])('refuses %s with a 422 and leaves Object.prototype alone', (name) => {
    const error = refusal({ [name]: 'yes' });
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('Il modulo contiene un campo non valido.');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Array as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`accepts rows up to ${maxFormRows - 1} and refuses a larger index without building it`, () => {
    const last = nestFields(body({ [`righe[${maxFormRows - 1}][eerCode]`]: '200301' }));
    expect(compact(last.righe as unknown[])).toEqual([{ eerCode: '200301' }]);
    for (const index of [maxFormRows, 4_000_000_000, '99999999999999999999999']) {
      const started = performance.now();
      const error = refusal({ [`righe[${index}][eerCode]`]: '200301' });
      expect(error.kind).toBe('validation');
      expect(error.message).toBe('Il modulo contiene troppe righe: al massimo 500.');
      expect(performance.now() - started).toBeLessThan(100);
    }
  });

  it('refuses a name used both as a value and as a block, and a block index that is a name', () => {
    expect(refusal({ righe: 'x', 'righe[0][eerCode]': '200301' }).kind).toBe('validation');
    expect(refusal({ 'righe[0][eerCode]': '200301', 'righe[x]': 'y' }).kind).toBe('validation');
  });
});

describe('compact', () => {
  it('drops the holes and keeps the order', () => {
    expect(compact([undefined, 'a', undefined, 'b'])).toEqual(['a', 'b']);
  });

  it('reads a missing or non-array block as no rows', () => {
    expect(compact(undefined)).toEqual([]);
    expect(compact({ a: 1 } as unknown as unknown[])).toEqual([]);
  });
});
