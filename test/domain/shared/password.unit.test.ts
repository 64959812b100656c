import { describe, expect, it } from 'vitest';
import {
  passwordProblems,
  passwordProblemText,
  passwordRuleText,
} from '../../../domain/shared/password.js';

const tooShort = 'La password deve contenere almeno 8 caratteri.';
const noDigit = 'La password deve contenere almeno una cifra numerica.';
const noUppercase = 'La password deve contenere almeno una lettera maiuscola.';
const noSpecial = 'La password deve contenere almeno un carattere speciale tra @ - _ ! % $.';

describe('password rule', () => {
  it('accepts a password meeting every rule', () => {
    expect(passwordProblems('Segreta1!')).toEqual([]);
  });

  it('needs at least 8 characters', () => {
    expect(passwordProblems('Segr1!a')).toEqual([tooShort]);
    expect(passwordProblems('Segre1!a')).toEqual([]);
  });

  it('needs at least one digit', () => {
    expect(passwordProblems('Segretissima!')).toEqual([noDigit]);
  });

  it('needs at least one uppercase letter', () => {
    expect(passwordProblems('segreta1!')).toEqual([noUppercase]);
  });

  it('needs one of the six special characters @ - _ ! % $', () => {
    for (const special of ['@', '-', '_', '!', '%', '$']) {
      expect(passwordProblems(`Segreta1${special}`), special).toEqual([]);
    }
    expect(passwordProblems('Segreta12')).toEqual([noSpecial]);
  });

  it('does not count other punctuation as special', () => {
    for (const other of ['#', '&', '*', '?', '.', ' ', '+']) {
      expect(passwordProblems(`Segreta1${other}`), other).toEqual([noSpecial]);
    }
  });

  it('lists every unmet rule, in the order of the rule text', () => {
    expect(passwordProblems('abc')).toEqual([tooShort, noDigit, noUppercase, noSpecial]);
    expect(passwordProblems('')).toHaveLength(4);
  });

  it('names every unmet rule in one message, as a form shows it beside the field', () => {
    expect(passwordProblemText('Segreta1!')).toBeNull();
    expect(passwordProblemText('Segreta12')).toBe(noSpecial);
    expect(passwordProblemText('password')).toBe(
      'La password deve contenere almeno una cifra numerica, almeno una lettera maiuscola e almeno un carattere speciale tra @ - _ ! % $.',
    );
    expect(passwordProblemText('')).toBe(
      'La password deve contenere almeno 8 caratteri, almeno una cifra numerica, almeno una lettera maiuscola e almeno un carattere speciale tra @ - _ ! % $.',
    );
  });

  it('states the rule in one sentence', () => {
    expect(passwordRuleText).toContain(
      'almeno 8 caratteri, almeno una cifra numerica, almeno una maiuscola ed almeno un carattere speciale (@ - _ ! % $)',
    );
  });
});
