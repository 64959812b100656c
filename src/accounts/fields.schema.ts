import { line, requiredLine, secret } from '../platform/http/text.js';
import { isEmailAddress, isPecAddress } from '../../domain/shared/email.js';
import { passwordProblemText } from '../../domain/shared/password.js';

/** A new password: every unmet rule named at once, in the one message beside the field. */
export const newPassword = secret(200).superRefine((value, ctx) => {
  const message = passwordProblemText(value);
  if (message) ctx.addIssue({ code: 'custom', message });
});

/** An ordinary e-mail address: the portal's only channel to the person, so never a PEC. */
export const ordinaryEmail = line(254)
  .refine(isEmailAddress, 'Indirizzo e-mail non valido.')
  .refine((value) => !isPecAddress(value), 'Indicare un indirizzo e-mail ordinario (non PEC).');

/** A username: unique regardless of case (usernameClaim.ts), typed at every login. */
export const username = requiredLine('Indicare il nome utente.', 40).regex(
  /^[A-Za-z0-9._@-]{3,40}$/,
  'Da 3 a 40 caratteri tra lettere, cifre e . _ - @',
);

/**
 * «Conferma password» for `.refine(...samePasswordTwice)`: checked beside every other mistake
 * (`when`, on the values as typed), not only once the rest of the form is right.
 */
export const samePasswordTwice: [
  check: (form: { readonly password?: unknown; readonly passwordConfirm?: unknown }) => boolean,
  options: { path: string[]; message: string; when: (payload: { value: unknown }) => boolean },
] = [
  (form) => form.password === form.passwordConfirm,
  {
    path: ['passwordConfirm'],
    message: 'Le due password non coincidono.',
    when: ({ value }) => typeof value === 'object' && value !== null,
  },
];
