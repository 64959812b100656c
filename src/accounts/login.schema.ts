import { z } from 'zod';

export const loginSchema = z.object({
  username: z.string().trim().min(1, 'Indicare il nome utente.').max(100),
  password: z.string().min(1, 'Indicare la password.').max(200),
  dopo: z.string().optional(),
});
