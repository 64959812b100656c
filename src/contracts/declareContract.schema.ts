import { z } from 'zod';
import { companyIdentitySchema, contractSchema, tenDigits } from '../accounts/register.schema.js';
import { requiredLine, secret } from '../platform/http/text.js';

/** "+ Aggiungi contratto" after registration: the contract, its company, the current password. */
export const declareContractSchema = z.object({
  customerCode: tenDigits('codice cliente'),
  companyName: requiredLine('Indicare la ragione sociale.'),
  contract: contractSchema,
  currentPassword: secret(200).min(1, 'Per salvare le modifiche indicare la password attuale.'),
});

/** «+ Aggiungi ditta»: the company's identity, as the registration asks it, and its first contract. */
export const addCompanySchema = z.object({
  company: companyIdentitySchema,
  contract: contractSchema,
  currentPassword: secret(200).min(1, 'Per salvare le modifiche indicare la password attuale.'),
});
