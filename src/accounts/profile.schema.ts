import { z } from 'zod';
import { newPassword, ordinaryEmail } from './fields.schema.js';

const optional = z
  .string()
  .trim()
  .max(254)
  .optional()
  .transform((value) => value || null);

/** "Modifica Profilo": the current password always; a new e-mail and a new password typed twice. */
export const profileSchema = z
  .object({
    fullName: z.string().trim().min(1, 'Indicare il nominativo.').max(200),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ./-]{5,30}$/, 'Indicare un numero di telefono valido.'),
    newEmail: z
      .literal('')
      .or(ordinaryEmail)
      .optional()
      .transform((value) => value || null),
    newEmailConfirm: optional,
    currentPassword: z
      .string()
      .min(1, 'Per salvare le modifiche indicare la password attuale.')
      .max(200),
    newPassword: z
      .literal('')
      .or(newPassword)
      .optional()
      .transform((value) => value || null),
    newPasswordConfirm: z
      .string()
      .optional()
      .transform((value) => value || null),
  })
  .superRefine((form, ctx) => {
    if ((form.newEmail ?? '').toLowerCase() !== (form.newEmailConfirm ?? '').toLowerCase()) {
      ctx.addIssue({
        code: 'custom',
        path: ['newEmailConfirm'],
        message: 'I due indirizzi e-mail non coincidono.',
      });
    }
    if (form.newPassword !== form.newPasswordConfirm) {
      ctx.addIssue({
        code: 'custom',
        path: ['newPasswordConfirm'],
        message: 'Le due password non coincidono.',
      });
    }
  });
