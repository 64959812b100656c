import { describe, expect, it } from 'vitest';
import { isEmailAddress, isPecAddress } from '../../../domain/shared/email.js';

describe('e-mail address', () => {
  it('accepts ordinary addresses', () => {
    for (const address of [
      'mario.rossi@gmail.com',
      'info@acme-srl.it',
      'ufficio.tecnico+scarichi@comune.bologna.it',
      "o'brien@example.co.uk",
      'a@b.io',
    ]) {
      expect(isEmailAddress(address), address).toBe(true);
    }
  });

  it('needs a local part, an @ and a domain with a top-level domain', () => {
    for (const address of [
      '',
      'mario.rossi',
      '@gmail.com',
      'mario@',
      'mario@localhost',
      'mario@gmail.c',
    ]) {
      expect(isEmailAddress(address), address).toBe(false);
    }
  });

  it('rejects spaces, double @ and misplaced dots', () => {
    for (const address of [
      'mario rossi@gmail.com',
      ' mario@gmail.com',
      'mario@@gmail.com',
      'mario@gm@il.com',
      '.mario@gmail.com',
      'mario.@gmail.com',
      'ma..rio@gmail.com',
      'mario@gmail..com',
      'mario@-gmail.com',
    ]) {
      expect(isEmailAddress(address), address).toBe(false);
    }
  });

  it('accepts at most 254 characters, 64 before the @', () => {
    const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.it`;
    const local = 'l'.repeat(64);
    expect(`${local}@${domain}`.length).toBe(250);
    expect(isEmailAddress(`${local}@${domain}`)).toBe(true);
    expect(isEmailAddress(`${local}@abcd.${domain}`)).toBe(false);
    expect(isEmailAddress(`${'l'.repeat(65)}@gmail.com`)).toBe(false);
  });
});

describe('PEC address', () => {
  it('recognises the domains of the PEC providers', () => {
    for (const address of [
      'azienda@pec.it',
      'azienda@legalmail.it',
      'azienda@arubapec.it',
      'azienda@postecert.it',
      'azienda@sicurezzapostale.it',
      'azienda@registerpec.it',
      'azienda@pecimprese.it',
      'azienda@mypec.eu',
      'azienda@gigapec.it',
      'azienda@actaliscertymail.it',
      'mario.rossi@ingpec.eu',
    ]) {
      expect(isPecAddress(address), address).toBe(true);
    }
  });

  it('recognises subdomains of a provider domain', () => {
    expect(isPecAddress('studio@cgn.legalmail.it')).toBe(true);
    expect(isPecAddress('studio@cert.legalmail.it')).toBe(true);
  });

  it('recognises domains with a whole label pec, legalmail, cert or postacert', () => {
    for (const address of [
      'protocollo@pec.comune.bologna.it',
      'info@studio.pec.it',
      'protocollo@comune.bologna.postacert.it',
      'protocollo@cert.provincia.bo.it',
      'ufficio@azienda.legalmail.com',
    ]) {
      expect(isPecAddress(address), address).toBe(true);
    }
  });

  it('is case-insensitive on the domain', () => {
    expect(isPecAddress('Azienda@PEC.IT')).toBe(true);
  });

  it('does not take ordinary addresses for PEC', () => {
    for (const address of [
      'mario.rossi@gmail.com',
      'info@speckle.it',
      'x@certosa.it',
      'pec@gmail.com',
      'info@pecorino.it',
      'info@concert.it',
      'x@mypec.eu.example.com',
      'x@notpec.it',
    ]) {
      expect(isPecAddress(address), address).toBe(false);
    }
  });

  it('is false for something that is not an address', () => {
    expect(isPecAddress('pec.it')).toBe(false);
    expect(isPecAddress('mario@pec')).toBe(false);
  });
});
