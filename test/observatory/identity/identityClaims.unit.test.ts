import { describe, expect, it } from 'vitest';
import { demoIdentities } from '../../../src/dev/demoIdentities.js';
import {
  fiscalCodeFromClaims,
  identityFromClaims,
} from '../../../src/observatory/identity/identityClaims.js';
import { isValidCodiceFiscale } from '../../../domain/shared/italianIdentifiers.js';

describe('the fiscal code in the identity claims', () => {
  it('reads fiscal_number, removing the TINIT- prefix SPID puts before it', () => {
    expect(fiscalCodeFromClaims({ fiscal_number: 'TINIT-RSSMRA80A01A662A' })).toBe(
      'RSSMRA80A01A662A',
    );
  });

  it("reads SPID's attribute name fiscalNumber and the SPID/CIE OIDC attribute URI", () => {
    expect(fiscalCodeFromClaims({ fiscalNumber: 'TINIT-BNCLCU85M41E506C' })).toBe(
      'BNCLCU85M41E506C',
    );
    expect(
      fiscalCodeFromClaims({
        'https://attributes.eid.gov.it/fiscal_number': 'tinit-vrdgpp70c15f205n',
      }),
    ).toBe('VRDGPP70C15F205N');
  });

  it('accepts a bare code, case and spaces aside', () => {
    expect(fiscalCodeFromClaims({ fiscal_number: ' rssmra80a01a662a ' })).toBe('RSSMRA80A01A662A');
  });

  it('gives none for a missing claim, a wrong check character or a company code', () => {
    expect(fiscalCodeFromClaims({})).toBeNull();
    expect(fiscalCodeFromClaims({ fiscal_number: 'TINIT-RSSMRA80A01A662X' })).toBeNull();
    expect(fiscalCodeFromClaims({ fiscal_number: '12345678903' })).toBeNull();
    expect(fiscalCodeFromClaims({ fiscal_number: 42 })).toBeNull();
  });

  it('takes the names from the ID token first, the rest from userinfo', () => {
    expect(
      identityFromClaims(
        { sub: 'x', given_name: 'Mario' },
        { fiscal_number: 'TINIT-RSSMRA80A01A662A', family_name: 'Rossi', given_name: 'Altro' },
      ),
    ).toEqual({
      fiscalCode: 'RSSMRA80A01A662A',
      givenName: 'Mario',
      familyName: 'Rossi',
      email: null,
    });
  });

  it('refuses an identity without a fiscal code', () => {
    expect(identityFromClaims({ given_name: 'Jane', family_name: 'Doe' })).toBeNull();
  });
});

describe('the demo identities', () => {
  it('carry valid fiscal codes, but for the one meant to be refused', () => {
    const codes = demoIdentities.map((identity) => identity.fiscalCode);
    expect(codes.filter((code) => code === null)).toHaveLength(1);
    for (const code of codes) if (code) expect(isValidCodiceFiscale(code), code).toBe(true);
  });
});
