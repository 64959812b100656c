import { z } from 'zod';
import { line, requiredLine, secret } from '../http/text.js';

export const loginSchema = z.object({
  username: requiredLine('Indicare il nome utente.', 100),
  password: secret(200).min(1, 'Indicare la password.'),
  // Where to go after signing in: safeRedirect keeps it on this site.
  dopo: line(500).optional().catch(undefined),
});
