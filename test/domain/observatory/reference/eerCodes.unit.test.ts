import { describe, expect, it } from 'vitest';
import {
  eerCode,
  eerCodes,
  eerGroups,
  formatEer,
  parseEer,
} from '../../../../domain/observatory/reference/eerCodes.js';

describe('EER codes of municipal waste', () => {
  it('holds unique six-digit codes, all of 15 01 and chapter 20', () => {
    const codes = eerCodes.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^(1501|200[123])\d{2}$/);
    expect(codes.filter((code) => code.startsWith('1501'))).toHaveLength(10);
    expect(codes.filter((code) => code.startsWith('2001'))).toHaveLength(30);
    expect(codes.filter((code) => code.startsWith('2002'))).toHaveLength(3);
    expect(codes.filter((code) => code.startsWith('2003'))).toHaveLength(7);
  });

  it('covers every group it names', () => {
    for (const group of eerGroups)
      expect(eerCodes.some((entry) => entry.code.startsWith(group.code))).toBe(true);
  });

  it.each([
    ['200121', true],
    ['200133', true],
    ['200135', true],
    ['150110', true],
    ['150111', true],
    ['200134', false],
    ['200136', false],
    ['200301', false],
  ])('marks %s hazardous: %s', (code, hazardous) => {
    expect(eerCode(code)?.hazardous).toBe(hazardous);
  });

  it('has 16 hazardous entries (14 in 20 01, 2 in 15 01)', () => {
    expect(eerCodes.filter((entry) => entry.hazardous)).toHaveLength(16);
  });

  it('carries the official Italian description', () => {
    expect(eerCode('200301')?.description).toBe('rifiuti urbani non differenziati');
    expect(eerCode('200307')?.description).toBe('rifiuti ingombranti');
    expect(eerCode('150106')?.description).toBe('imballaggi in materiali misti');
  });

  it.each([
    ['200301', 'unsorted'],
    ['200399', 'unsorted'],
    ['200307', 'depends-on-destination'],
    ['200303', 'depends-on-destination'],
    ['200302', 'separate'],
    ['200202', 'neutral'],
    ['200304', 'neutral'],
    ['200306', 'neutral'],
    ['200201', 'separate'],
    ['200108', 'separate'],
    ['200199', 'separate'],
    ['150101', 'separate'],
  ])('tags %s as %s', (code, rdClass) => {
    expect(eerCode(code)?.rdClass).toBe(rdClass);
  });

  it('leaves codes of other chapters out', () => {
    expect(eerCode('170904')).toBeUndefined();
    expect(eerCode('200300')).toBeUndefined();
  });
});

describe('parseEer and formatEer', () => {
  it.each(['20 03 01', '200301', '20.03.01', '20-03-01', ' 20 03 01 '])('reads %j', (text) => {
    expect(parseEer(text)).toBe('200301');
  });

  it('reads a hazardous code with its asterisk', () => {
    expect(parseEer('20 01 21*')).toBe('200121');
    expect(eerCode('20 01 21*')?.code).toBe('200121');
  });

  it.each(['', '2003', '20 03 1', '2003011', 'AB CD EF', '20/03/01'])('refuses %j', (text) => {
    expect(parseEer(text)).toBeNull();
  });

  it('formats six digits in pairs', () => {
    expect(formatEer('200301')).toBe('20 03 01');
    expect(formatEer('20.03.01')).toBe('20 03 01');
    expect(formatEer('abc')).toBe('abc');
  });
});
