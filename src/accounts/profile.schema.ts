import { z } from 'zod';
import { line, optionalLine, requiredLine, secret } from '../platform/http/text.js';
import { newPassword, ordinaryEmail } from './fields.schema.js';
import { companyIdentitySchema, contractSchema } from './register.schema.js';

const optional = optionalLine(254);
/** Companies and plants one profile page may show; a body with more is not ours. */
const maxProfileRows = 200;

/**
 * "Modifica Profilo": the current password always; a new e-mail and a new password typed twice;
 * the identity of each company and the address of each plant the page offers to change.
 */
export const profileSchema = z
  .object({
    fullName: requiredLine('Indicare il nominativo.'),
    phone: line(30).regex(/^\+?[0-9 ./-]{5,30}$/, 'Indicare un numero di telefono valido.'),
    newEmail: optional.pipe(ordinaryEmail.nullable()),
    newEmailConfirm: optional,
    currentPassword: secret(200).min(1, 'Per salvare le modifiche indicare la password attuale.'),
    newPassword: secret()
      .optional()
      .transform((value) => value || null)
      .pipe(newPassword.nullable()),
    newPasswordConfirm: secret()
      .optional()
      .transform((value) => value || null),
    companies: z.array(companyIdentitySchema).max(maxProfileRows).default([]),
    contracts: z.array(contractSchema).max(maxProfileRows).default([]),
  })
  .superRefine((form, ctx) => {
    // One block per company and per contract: two would ask two changes of one stream at once.
    const twice = (values: readonly string[], path: (index: number) => PropertyKey[]) =>
      values.forEach((value, index) => {
        if (values.indexOf(value) !== index)
          ctx.addIssue({
            code: 'custom',
            path: path(index),
            message: 'Il modulo contiene un campo non valido.',
          });
      });
    twice(
      form.companies.map((c) => c.customerCode),
      (i) => ['companies', i, 'customerCode'],
    );
    twice(
      form.contracts.map((c) => c.contractNumber),
      (i) => ['contracts', i, 'contractNumber'],
    );
  })
  // The "type it twice" checks run beside every other mistake (`when`), on the values as typed.
  .superRefine(
    (form, ctx) => {
      const typed = form as { [field: string]: unknown };
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      const email = (value: unknown) => text(value).trim().toLowerCase();
      if (email(typed.newEmail) !== email(typed.newEmailConfirm)) {
        ctx.addIssue({
          code: 'custom',
          path: ['newEmailConfirm'],
          message: 'I due indirizzi e-mail non coincidono.',
        });
      }
      if (text(typed.newPassword) !== text(typed.newPasswordConfirm)) {
        ctx.addIssue({
          code: 'custom',
          path: ['newPasswordConfirm'],
          message: 'Le due password non coincidono.',
        });
      }
    },
    { when: ({ value }) => typeof value === 'object' && value !== null },
  );

export type ProfileForm = z.output<typeof profileSchema>;
