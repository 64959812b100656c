import { z } from 'zod';
import { line, requiredLine, secret } from '../platform/http/text.js';
import { newPassword, samePasswordTwice } from './fields.schema.js';

export const resetRequestSchema = z.object({
  username: requiredLine('Indicare il nome utente.', 100),
});

export const resetSchema = z
  .object({
    code: line(20).regex(/^\d{6}$/, 'Il codice è composto da 6 cifre.'),
    password: newPassword,
    passwordConfirm: secret(),
  })
  .refine(...samePasswordTwice);
