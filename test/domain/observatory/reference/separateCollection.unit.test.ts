import { describe, expect, it } from 'vitest';
import { separateCollectionRate } from '../../../../domain/observatory/reference/separateCollection.js';

describe('separate-collection rate (DM 26 May 2016)', () => {
  it('is null with no rows', () => {
    expect(separateCollectionRate([])).toEqual({
      separate: 0,
      unsorted: 0,
      neutral: 0,
      rate: null,
    });
  });

  it('is 0 when everything is unsorted', () => {
    const result = separateCollectionRate([
      { eerCode: '200301', tonnes: 120.5, operation: 'D1' },
      { eerCode: '200399', tonnes: 3, operation: 'D1' },
    ]);
    expect(result).toEqual({ separate: 0, unsorted: 123.5, neutral: 0, rate: 0 });
  });

  it('is separate / (separate + unsorted)', () => {
    const result = separateCollectionRate([
      { eerCode: '200108', tonnes: 40, operation: 'R3' },
      { eerCode: '150106', tonnes: 25, operation: 'R13' },
      { eerCode: '200301', tonnes: 35, operation: 'D1' },
    ]);
    expect(result.rate).toBe(0.65);
  });

  it('counts bulky waste sent to recovery as separate', () => {
    const result = separateCollectionRate([
      { eerCode: '200307', tonnes: 10, operation: 'R13' },
      { eerCode: '200301', tonnes: 10, operation: 'D1' },
    ]);
    expect(result).toMatchObject({ separate: 10, unsorted: 10, rate: 0.5 });
  });

  it('counts bulky waste sent to disposal as unsorted', () => {
    const result = separateCollectionRate([
      { eerCode: '20 03 07', tonnes: 10, operation: 'D1' },
      { eerCode: '200101', tonnes: 10, operation: 'R3' },
    ]);
    expect(result).toMatchObject({ separate: 10, unsorted: 10, rate: 0.5 });
  });

  it('counts street sweepings by destination too', () => {
    const toRecovery = separateCollectionRate([{ eerCode: '200303', tonnes: 4, operation: 'R5' }]);
    const toDisposal = separateCollectionRate([{ eerCode: '200303', tonnes: 4, operation: 'D15' }]);
    expect(toRecovery.rate).toBe(1);
    expect(toDisposal.rate).toBe(0);
  });

  it('leaves neutral fractions out of the rate', () => {
    const result = separateCollectionRate([
      { eerCode: '200201', tonnes: 30, operation: 'R3' },
      { eerCode: '200202', tonnes: 500, operation: 'R5' },
      { eerCode: '200304', tonnes: 80, operation: 'D8' },
      { eerCode: '200301', tonnes: 70, operation: 'D1' },
    ]);
    expect(result).toEqual({ separate: 30, unsorted: 70, neutral: 580, rate: 0.3 });
  });

  it('is null when only neutral fractions were filed', () => {
    expect(
      separateCollectionRate([{ eerCode: '200306', tonnes: 2, operation: 'D8' }]).rate,
    ).toBeNull();
  });

  it('sums in whole kilograms, without float drift', () => {
    const result = separateCollectionRate([
      { eerCode: '200101', tonnes: 0.1, operation: 'R3' },
      { eerCode: '200102', tonnes: 0.2, operation: 'R5' },
      { eerCode: '200301', tonnes: 1.005, operation: 'D1' },
    ]);
    expect(result.separate).toBe(0.3); // 0.1 + 0.2 in floating point is 0.30000000000000004
    expect(result.unsorted).toBe(1.005);
    expect(result.rate).toBe(300 / 1305);
  });

  it('rounds each row to the kilogram before adding', () => {
    const rows = Array.from({ length: 10 }, () => ({
      eerCode: '200301',
      tonnes: 1.005, // 1.005 * 1000 is 1004.9999999999999 in floating point
      operation: 'D1',
    }));
    expect(separateCollectionRate(rows).unsorted).toBe(10.05);
  });

  it('refuses a row with an unknown EER code', () => {
    expect(() =>
      separateCollectionRate([{ eerCode: '170904', tonnes: 1, operation: 'R5' }]),
    ).toThrow(/170904/);
  });
});
