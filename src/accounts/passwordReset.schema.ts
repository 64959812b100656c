import { z } from 'zod';
import { newPassword } from './fields.schema.js';

export const resetRequestSchema = z.object({
  username: z.string().trim().min(1, 'Indicare il nome utente.').max(100),
});

export const resetSchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'Il codice è composto da 6 cifre.'),
    password: newPassword,
    passwordConfirm: z.string(),
  })
  .refine((form) => form.password === form.passwordConfirm, {
    path: ['passwordConfirm'],
    message: 'Le due password non coincidono.',
  });
