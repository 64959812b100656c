import { z } from 'zod';
import { redirectTarget } from '../platform/http/forms.js';
import { requiredLine, secret } from '../platform/http/text.js';

export const loginSchema = z.object({
  username: requiredLine('Indicare il nome utente.', 100),
  password: secret(200).min(1, 'Indicare la password.'),
  dopo: redirectTarget,
});
