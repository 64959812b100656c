import { describe, expect, it } from 'vitest';
import {
  collectionMethodLabel,
  collectionMethods,
  isCollectionMethod,
} from '../../../../domain/observatory/reference/collectionMethods.js';
import {
  isRecovery,
  treatmentOperation,
  treatmentOperations,
} from '../../../../domain/observatory/reference/treatmentOperations.js';

describe('treatment operations', () => {
  it('lists R1–R13 and D1–D15, each described', () => {
    expect(treatmentOperations.filter((op) => op.kind === 'recovery')).toHaveLength(13);
    expect(treatmentOperations.filter((op) => op.kind === 'disposal')).toHaveLength(15);
    for (const op of treatmentOperations) expect(op.description.length).toBeGreaterThan(5);
  });

  it.each([
    ['R1', true],
    ['R13', true],
    ['r3', true],
    [' R 5 ', true],
    ['D1', false],
    ['D15', false],
    ['R14', false],
    ['R0', false],
    ['', false],
  ])('isRecovery(%j) is %s', (code, expected) => {
    expect(isRecovery(code)).toBe(expected);
  });

  it('finds an operation by code in any case', () => {
    expect(treatmentOperation('d1')?.code).toBe('D1');
    expect(treatmentOperation('D16')).toBeUndefined();
  });
});

describe('collection methods', () => {
  it('labels each method in Italian', () => {
    expect(collectionMethods.map((method) => method.code)).toEqual([
      'porta-a-porta',
      'stradale',
      'centro-di-raccolta',
      'su-chiamata',
      'altro',
    ]);
    expect(collectionMethodLabel('porta-a-porta')).toBe('Porta a porta');
  });

  it('knows its own values only', () => {
    expect(isCollectionMethod('stradale')).toBe(true);
    expect(isCollectionMethod('Stradale')).toBe(false);
    expect(collectionMethodLabel('elicottero')).toBeUndefined();
  });
});
