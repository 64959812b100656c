import { describe, expect, it } from 'vitest';
import { canonicalJsonText } from '../../../src/platform/eventStore/canonicalJsonText.js';
import { canonicalJson } from '../../../src/platform/eventStore/hashChain.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pieces = [
  'a',
  'Z',
  'é',
  'ß',
  '€',
  '😀',
  '\ud800',
  '\udc00',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u2028',
  ' ',
  '0',
  '10',
  '9',
  '-',
  '_',
  '$',
  'passwordHash',
];
const numbers = [
  0,
  -0,
  1,
  -1,
  9,
  10,
  0.1,
  -2.5,
  1e21,
  1e-7,
  123456789012345,
  Number('1234567890123456789'),
  5e-324,
  1.7976931348623157e308,
  42.42,
];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const text = () => Array.from({ length: Math.floor(next() * 4) }, () => pick(pieces)).join('');
  const kind = Math.floor(next() * (depth > 3 ? 4 : 6));
  if (kind === 0) return text();
  if (kind === 1) return pick(numbers);
  if (kind === 2) return pick([true, false, null]);
  if (kind === 3) return Math.floor(next() * 1000) - 500;
  if (kind === 4)
    return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 6); i > 0; i--) object[text()] = value(next, depth + 1);
  return object;
}

/** The same value written as another writer might: spaces, line breaks, escapes, exponents. */
function loosely(text: string): string {
  return text
    .replace(/,/g, ' ,\n ')
    .replace(/:/g, ' : ')
    .replace(/é/g, '\\u00e9')
    .replace(/\//g, '\\/');
}

describe('canonicalJsonText', () => {
  it('equals canonicalJson(JSON.parse(text)) on thousands of random values', () => {
    const next = random(7);
    for (let round = 0; round < 5_000; round++) {
      const text = JSON.stringify(value(next, 0));
      expect(canonicalJsonText(text), text).toBe(canonicalJson(JSON.parse(text)));
    }
  });

  it('does not depend on how the JSON was written', () => {
    const next = random(11);
    for (let round = 0; round < 2_000; round++) {
      const text = JSON.stringify({ data: value(next, 0), list: [value(next, 1)] });
      const other = loosely(text);
      // Only rewrites outside strings keep the value; compare on what JSON.parse reads.
      let parsed: unknown;
      try {
        parsed = JSON.parse(other);
      } catch {
        continue;
      }
      expect(canonicalJsonText(other), other).toBe(canonicalJson(parsed));
    }
  });

  it('reads PostgreSQL jsonb output: keys by length, spaces, numbers as numeric', () => {
    const jsonb =
      '{"b": 1.50, "aa": [1e2, -0, 0.0000001, 100000000000000000000000], "10": "x", "9": {"z": null, "a": true}}';
    expect(canonicalJsonText(jsonb)).toBe(canonicalJson(JSON.parse(jsonb)));
    expect(canonicalJsonText(jsonb)).toBe(
      '{"10":"x","9":{"a":true,"z":null},"aa":[100,0,1e-7,1e+23],"b":1.5}',
    );
  });

  it('keeps the last value of a repeated key, as JSON.parse does', () => {
    const text = '{"b":1,"a":2,"b":3}';
    expect(canonicalJsonText(text)).toBe(canonicalJson(JSON.parse(text)));
  });

  it('refuses what is not JSON', () => {
    for (const bad of [
      '',
      '{',
      '{"a" 1}',
      '[1,]',
      '01',
      '1.',
      '"\u0001"',
      'tru',
      '{"a":1}x',
      "'a'",
    ]) {
      expect(() => canonicalJsonText(bad), bad).toThrow(SyntaxError);
    }
  });
});
