import { describe, expect, it } from 'vitest';
import {
  parseDateText,
  parseNumberText,
  serialToIsoDate,
} from '../../../src/declarations/workbooks/cellText.js';
import { isDateFormatCode } from '../../../src/declarations/workbooks/xlsxParts.js';

describe('numbers typed as text', () => {
  it.each([
    ['1234', 1234],
    ['1234,5', 1234.5],
    ['1.234,5', 1234.5],
    ['1.234.567,25', 1234567.25],
    ['1234.5', 1234.5],
    ['12.75', 12.75],
    ['0,5', 0.5],
    [' 4 000,00 ', 4000],
    ['-3', -3],
  ])('reads %s as %d', (text, value) => {
    expect(parseNumberText(text)).toEqual({ ok: true, value });
  });

  it('refuses "1.234": a thousand or one point two?', () => {
    expect(parseNumberText('1.234')).toEqual({ ok: false, ambiguous: true });
  });

  it.each(['tremila', '12 m³', '1,2,3', '1e3', ''])('refuses %j', (text) => {
    expect(parseNumberText(text)).toEqual({ ok: false, ambiguous: false });
  });
});

describe('dates', () => {
  it.each([
    ['15/03/2025', '2025-03-15'],
    ['5/3/2025', '2025-03-05'],
    ['15-03-2025', '2025-03-15'],
    ['15.03.2025', '2025-03-15'],
    ['2025-03-15', '2025-03-15'],
    ['2025-03-15T00:00:00Z', '2025-03-15'],
  ])('reads %s', (text, iso) => {
    expect(parseDateText(text)).toBe(iso);
  });

  it.each(['31/02/2025', '15/03/25', 'marzo 2025', '2025/03/15'])('refuses %s', (text) => {
    expect(parseDateText(text)).toBeNull();
  });

  it('turns serial numbers into dates in both date systems, dropping the time', () => {
    expect(serialToIsoDate(45945, false)).toBe('2025-10-15');
    expect(serialToIsoDate(45945.99, false)).toBe('2025-10-15');
    expect(serialToIsoDate(45945 - 1462, true)).toBe('2025-10-15');
    expect(serialToIsoDate(59, false)).toBe('1900-02-28');
    expect(serialToIsoDate(61, false)).toBe('1900-03-01');
    expect(serialToIsoDate(-1, false)).toBeNull();
  });

  it('recognises date formats but not number formats', () => {
    for (const code of ['dd/mm/yyyy', 'd-mmm-yy', '[$-410]dddd d mmmm yyyy', 'hh:mm']) {
      expect(isDateFormatCode(code), code).toBe(true);
    }
    for (const code of ['#,##0.00', '0.00" m³"', 'General', '@', '[Red]0.0']) {
      expect(isDateFormatCode(code), code).toBe(false);
    }
  });
});
