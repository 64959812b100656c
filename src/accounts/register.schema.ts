import { z } from 'zod';
import { line, optionalLine, requiredLine, secret } from '../platform/http/text.js';
import { isEmailAddress } from '../../domain/shared/email.js';
import {
  isCap,
  isTenDigitCode,
  isValidTaxId,
  normalizeTaxId,
} from '../../domain/shared/italianIdentifiers.js';
import { newPassword, ordinaryEmail, username } from './fields.schema.js';
import { findMunicipality, findProvince } from '../../domain/shared/territory.js';

const optionalText = optionalLine();
const phone = requiredLine('Indicare il telefono.', 30).regex(
  /^\+?[0-9 ./-]{5,}$/,
  'Indicare un numero di telefono valido.',
);
export const tenDigits = (label: string) =>
  requiredLine(`Indicare il ${label}.`, 20).refine(
    isTenDigitCode,
    `Il ${label} è composto da 10 cifre.`,
  );
const optionalEmail = optionalText.refine(
  (value) => !value || isEmailAddress(value),
  'Indirizzo e-mail non valido.',
);

const filled = (value: unknown): value is string => typeof value === 'string' && value !== '';

export const contractSchema = z
  .object({
    contractNumber: tenDigits('numero di contratto di scarico'),
    street: requiredLine("Indicare l'indirizzo dello stabilimento di scarico."),
    civic: requiredLine('Indicare il numero civico.', 20),
    cap: requiredLine('Indicare il CAP.', 10).refine(isCap, 'Il CAP è composto da 5 cifre.'),
    province: requiredLine('Indicare la provincia.', 60).refine(
      (province) => findProvince(province) !== undefined,
      'Provincia non riconosciuta.',
    ),
    municipality: requiredLine('Indicare il comune.', 100),
  })
  // Checked beside the block's other mistakes (`when`), so the form names them all at once.
  .superRefine(
    (contract, ctx) => {
      const province = findProvince(contract.province);
      if (province && !findMunicipality(contract.municipality, province.code))
        ctx.addIssue({
          code: 'custom',
          path: ['municipality'],
          message: `Il comune non appartiene alla provincia di ${province.name}.`,
        });
    },
    {
      when: ({ value }) => {
        const contract = value as { province?: unknown; municipality?: unknown };
        return filled(contract.province) && filled(contract.municipality);
      },
    },
  )
  .transform((contract) => ({
    ...contract,
    province: findProvince(contract.province)!.code,
    municipality: findMunicipality(contract.municipality, contract.province)!,
  }));

/** A company's identity (seed: "Anagrafica Ditta"), as registered and as «Modifica profilo» edits it. */
export const companyIdentitySchema = z.object({
  name: requiredLine('Indicare la ragione sociale.'),
  taxId: requiredLine('Indicare la partita IVA o il codice fiscale.', 20)
    .transform(normalizeTaxId)
    .refine(isValidTaxId, 'Partita IVA o codice fiscale non valido: controllare le cifre.'),
  phone,
  email: optionalEmail,
  pec: optionalEmail,
  customerCode: tenDigits('codice cliente'),
});

const companySchema = companyIdentitySchema.extend({
  contracts: z.array(contractSchema).min(1, 'Indicare almeno un contratto di scarico.'),
});

/** "Referente registrato" plus "Anagrafica Ditta e Contratti" (seed, Pagina della Registrazione). */
export const registrationSchema = z.object({
  fullName: requiredLine('Indicare il nominativo.'),
  phone,
  email: requiredLine("Indicare l'indirizzo e-mail.", 254).pipe(ordinaryEmail),
  emailConfirm: line(254),
  username,
  password: newPassword,
  passwordConfirm: secret(),
  privacy: z.literal('on', {
    error: "Per registrarsi occorre prendere visione dell'informativa privacy.",
  }),
  companies: z.array(companySchema).min(1, 'Indicare almeno una ditta.'),
});

/**
 * The "type it twice" checks, run on the raw values so they show beside every other error
 * (zod skips object-level refinements once a field has failed).
 */
export function confirmationErrors(values: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const email = text(values.email).trim().toLowerCase();
  if (email && text(values.emailConfirm).trim().toLowerCase() !== email) {
    errors.emailConfirm = 'I due indirizzi e-mail non coincidono.';
  }
  if (values.password && values.passwordConfirm !== values.password) {
    errors.passwordConfirm = 'Le due password non coincidono.';
  }
  return errors;
}

/** A customer code/contract pair of the form, at its place in the blocks. */
export interface FormPair {
  readonly i: number;
  readonly j: number;
  readonly customerCode: string;
  readonly contractNumber: string;
}

const customerCode = tenDigits('codice cliente');
const contractNumber = tenDigits('numero di contratto di scarico');

/**
 * The well-formed pairs among the raw values: the registry and the other users are asked about
 * them even while the rest of the form has mistakes, so that every error shows at once.
 */
export function wellFormedPairs(values: {
  readonly companies: readonly {
    readonly customerCode?: unknown;
    readonly contracts: readonly { readonly contractNumber?: unknown }[];
  }[];
}): FormPair[] {
  return values.companies.flatMap((company, i) => {
    const code = customerCode.safeParse(company.customerCode);
    if (!code.success) return [];
    return company.contracts.flatMap((contract, j) => {
      const number = contractNumber.safeParse(contract.contractNumber);
      return number.success ? [{ i, j, customerCode: code.data, contractNumber: number.data }] : [];
    });
  });
}

/** The username as typed, when it is well formed (to ask whether it is taken). */
export const wellFormedUsername = (value: unknown): string | null => {
  const parsed = username.safeParse(value);
  return parsed.success ? parsed.data : null;
};

export type RegistrationForm = z.infer<typeof registrationSchema>;
