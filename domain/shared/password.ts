/** The only characters that count as "special" for the password rule. */
export const PASSWORD_SPECIAL_CHARACTERS = ['@', '-', '_', '!', '%', '$'] as const;

export const PASSWORD_MIN_LENGTH = 8;

/** The rule as the forms state it. */
export const passwordRuleText =
  'La password deve contenere almeno 8 caratteri, almeno una cifra numerica, almeno una maiuscola ed almeno un carattere speciale (@ - _ ! % $).';

const rules: readonly {
  readonly holds: (password: string) => boolean;
  /** What the password must contain, as the end of «La password deve contenere …». */
  readonly needs: string;
}[] = [
  {
    // Counted in code points, so an accented letter or an emoji is one character.
    holds: (password) => [...password].length >= PASSWORD_MIN_LENGTH,
    needs: 'almeno 8 caratteri',
  },
  {
    holds: (password) => /[0-9]/.test(password),
    needs: 'almeno una cifra numerica',
  },
  {
    holds: (password) => /\p{Lu}/u.test(password),
    needs: 'almeno una lettera maiuscola',
  },
  {
    holds: (password) => PASSWORD_SPECIAL_CHARACTERS.some((special) => password.includes(special)),
    needs: 'almeno un carattere speciale tra @ - _ ! % $',
  },
];

const unmet = (password: string) => rules.filter((rule) => !rule.holds(password));

/** The Italian message of every rule the password breaks; empty when it is acceptable. */
export function passwordProblems(password: string): string[] {
  return unmet(password).map((rule) => `La password deve contenere ${rule.needs}.`);
}

/**
 * Every rule the password breaks in one sentence, as a form shows it beside the field (a field
 * has one message), or null when it is acceptable.
 */
export function passwordProblemText(password: string): string | null {
  const needs = unmet(password).map((rule) => rule.needs);
  if (needs.length === 0) return null;
  const last = needs.pop()!;
  const list = needs.length > 0 ? `${needs.join(', ')} e ${last}` : last;
  return `La password deve contenere ${list}.`;
}
