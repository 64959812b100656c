/** The only characters that count as "special" for the password rule. */
export const PASSWORD_SPECIAL_CHARACTERS = ['@', '-', '_', '!', '%', '$'] as const;

export const PASSWORD_MIN_LENGTH = 8;

/** The rule as the forms state it. */
export const passwordRuleText =
  'La password deve contenere almeno 8 caratteri, almeno una cifra numerica, almeno una maiuscola ed almeno un carattere speciale (@ - _ ! % $).';

const rules: readonly {
  readonly holds: (password: string) => boolean;
  readonly message: string;
}[] = [
  {
    // Counted in code points, so an accented letter or an emoji is one character.
    holds: (password) => [...password].length >= PASSWORD_MIN_LENGTH,
    message: 'La password deve contenere almeno 8 caratteri.',
  },
  {
    holds: (password) => /[0-9]/.test(password),
    message: 'La password deve contenere almeno una cifra numerica.',
  },
  {
    holds: (password) => /\p{Lu}/u.test(password),
    message: 'La password deve contenere almeno una lettera maiuscola.',
  },
  {
    holds: (password) => PASSWORD_SPECIAL_CHARACTERS.some((special) => password.includes(special)),
    message: 'La password deve contenere almeno un carattere speciale tra @ - _ ! % $.',
  },
];

/** The Italian message of every rule the password breaks; empty when it is acceptable. */
export function passwordProblems(password: string): string[] {
  return rules.filter((rule) => !rule.holds(password)).map((rule) => rule.message);
}
