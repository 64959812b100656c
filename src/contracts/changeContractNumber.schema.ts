import { z } from 'zod';
import { tenDigits } from '../accounts/register.schema.js';
import { secret } from '../platform/http/text.js';

/** "Cambia numero di contratto": the corrected number and, for safety, the current password. */
export const changeContractNumberSchema = z.object({
  newContractNumber: tenDigits('nuovo numero di contratto di scarico'),
  currentPassword: secret(200).min(1, 'Per salvare le modifiche indicare la password attuale.'),
});
