import { describe, expect, it } from 'vitest';
import {
  isCap,
  isTenDigitCode,
  isValidCodiceFiscale,
  isValidPartitaIva,
  isValidTaxId,
  normalizeTaxId,
} from '../../../domain/shared/italianIdentifiers.js';

describe('Partita IVA', () => {
  it('accepts 11 digits whose last digit is the check digit', () => {
    for (const vat of ['00743110157', '01234567897', '12345678903', '02313821007']) {
      expect(isValidPartitaIva(vat), vat).toBe(true);
    }
  });

  it('rejects a wrong check digit', () => {
    expect(isValidPartitaIva('00743110158')).toBe(false);
    expect(isValidPartitaIva('01234567890')).toBe(false);
  });

  it('doubles the digits in even positions, subtracting 9 above 9', () => {
    // Swapping two neighbouring digits keeps a plain sum but not the weighted one.
    expect(isValidPartitaIva('10234567897')).toBe(false);
  });

  it('rejects anything but exactly 11 digits', () => {
    for (const vat of [
      '0074311015',
      '007431101570',
      '0074311015A',
      'IT00743110157',
      '00743 110157',
    ]) {
      expect(isValidPartitaIva(vat), vat).toBe(false);
    }
  });

  it('rejects all zeros although the arithmetic holds', () => {
    expect(isValidPartitaIva('00000000000')).toBe(false);
  });
});

describe('Codice Fiscale', () => {
  it('accepts a personal code with the right check character', () => {
    expect(isValidCodiceFiscale('RSSMRA85T10A562S')).toBe(true);
    expect(isValidCodiceFiscale('RSSMRA80A01H501U')).toBe(true);
  });

  it('is case-insensitive', () => {
    expect(isValidCodiceFiscale('rssmra85t10a562s')).toBe(true);
  });

  it('rejects a wrong check character', () => {
    expect(isValidCodiceFiscale('RSSMRA85T10A562T')).toBe(false);
    expect(isValidCodiceFiscale('RSSMRA80A01H501A')).toBe(false);
  });

  it('accepts omocodic codes, digits replaced by LMNPQRSTUV', () => {
    expect(isValidCodiceFiscale('RSSMRA85T10A56NH')).toBe(true);
    expect(isValidCodiceFiscale('RSSMRARUT1LA562Z')).toBe(true);
  });

  it('computes the check character of an omocodic code on the letters', () => {
    // The original check character no longer fits once a digit became a letter.
    expect(isValidCodiceFiscale('RSSMRA85T10A56NS')).toBe(false);
  });

  it('rejects letters that are not omocodia substitutes in digit positions', () => {
    expect(isValidCodiceFiscale('RSSMRA8AT10A562S')).toBe(false);
  });

  it('rejects a month letter outside ABCDEHLMPRST', () => {
    expect(isValidCodiceFiscale('RSSMRA85F10A562S')).toBe(false);
  });

  it('rejects a birth day outside 1–31 and 41–71', () => {
    expect(isValidCodiceFiscale('RSSMRA85T00A562S')).toBe(false);
    expect(isValidCodiceFiscale('RSSMRA85T35A562S')).toBe(false);
  });

  it('rejects other lengths', () => {
    expect(isValidCodiceFiscale('RSSMRA85T10A562')).toBe(false);
    expect(isValidCodiceFiscale('RSSMRA85T10A562SX')).toBe(false);
  });

  it('accepts the 11-digit numeric code of a company, checked like a Partita IVA', () => {
    expect(isValidCodiceFiscale('80003170661')).toBe(true);
    expect(isValidCodiceFiscale('80003170662')).toBe(false);
  });
});

describe('tax id field', () => {
  it('accepts a Partita IVA or a Codice Fiscale', () => {
    expect(isValidTaxId('00743110157')).toBe(true);
    expect(isValidTaxId('RSSMRA85T10A562S')).toBe(true);
    expect(isValidTaxId('RSSMRA85T10A562T')).toBe(false);
    expect(isValidTaxId('')).toBe(false);
  });

  it('normalises by trimming, removing spaces and upper-casing', () => {
    expect(normalizeTaxId('  rss mra 85t10 a562s ')).toBe('RSSMRA85T10A562S');
    expect(isValidTaxId(normalizeTaxId(' 007 431 101 57 '))).toBe(true);
  });

  it('expects normalised input: spaces are not ignored by the validators', () => {
    expect(isValidTaxId(' 00743110157')).toBe(false);
  });
});

describe('customer code and contract number', () => {
  it('are exactly 10 digits', () => {
    expect(isTenDigitCode('1234567890')).toBe(true);
    expect(isTenDigitCode('0000000001')).toBe(true);
    expect(isTenDigitCode('123456789')).toBe(false);
    expect(isTenDigitCode('12345678901')).toBe(false);
    expect(isTenDigitCode('123456789A')).toBe(false);
    expect(isTenDigitCode('1234567890\n')).toBe(false);
  });
});

describe('CAP', () => {
  it('is exactly 5 digits', () => {
    expect(isCap('40068')).toBe(true);
    expect(isCap('00100')).toBe(true);
    expect(isCap('4006')).toBe(false);
    expect(isCap('400681')).toBe(false);
    expect(isCap('4006A')).toBe(false);
  });
});
