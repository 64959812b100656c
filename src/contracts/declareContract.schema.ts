import { z } from 'zod';
import { contractSchema, tenDigits, text } from '../accounts/register.schema.js';

/** "+ Aggiungi contratto" after registration: the contract, its company, the current password. */
export const declareContractSchema = z.object({
  customerCode: tenDigits('codice cliente'),
  companyName: text('Indicare la ragione sociale.'),
  contract: contractSchema,
  currentPassword: z
    .string()
    .min(1, 'Per salvare le modifiche indicare la password attuale.')
    .max(200),
});
