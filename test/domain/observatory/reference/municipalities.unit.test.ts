import { describe, expect, it } from 'vitest';
import {
  municipalityByIstat,
  pugliaMunicipalities,
} from '../../../../domain/observatory/reference/municipalities.js';

describe('municipalities of Puglia', () => {
  it('lists the 257 municipalities of the current ISTAT list', () => {
    expect(pugliaMunicipalities).toHaveLength(257);
  });

  it('gives each a unique six-digit ISTAT code', () => {
    const codes = pugliaMunicipalities.map((municipality) => municipality.istatCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
  });

  it('spreads them over the six provinces, each code starting with its province code', () => {
    const prefixes: Record<string, string> = {
      BA: '072',
      BT: '110',
      BR: '074',
      FG: '071',
      LE: '075',
      TA: '073',
    };
    const counts: Record<string, number> = {};
    for (const { istatCode, province } of pugliaMunicipalities) {
      expect(istatCode.slice(0, 3)).toBe(prefixes[province]);
      counts[province] = (counts[province] ?? 0) + 1;
    }
    expect(counts).toEqual({ BA: 41, BT: 10, BR: 20, FG: 61, LE: 96, TA: 29 });
  });

  it.each([
    ['072006', 'Bari', 'BA'],
    ['075035', 'Lecce', 'LE'],
    ['071024', 'Foggia', 'FG'],
    ['073027', 'Taranto', 'TA'],
    ['074001', 'Brindisi', 'BR'],
    ['110001', 'Andria', 'BT'],
    ['075052', 'Nardò', 'LE'],
    ['071052', "Sant'Agata di Puglia", 'FG'],
  ])('finds %s as %s (%s)', (istatCode, name, province) => {
    expect(municipalityByIstat(istatCode)).toEqual({ istatCode, name, province });
  });

  it('finds nothing for a code outside Puglia or malformed', () => {
    expect(municipalityByIstat('058091')).toBeUndefined(); // Roma
    expect(municipalityByIstat('72006')).toBeUndefined();
  });
});
