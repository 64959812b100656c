import { z } from 'zod';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { isValidCodiceFiscale } from '../../domain/shared/italianIdentifiers.js';
import { line, paragraph } from '../platform/http/text.js';
import { monthParam } from './flowVersions.js';

// The forms of the admin's page. Reasons and addresses are only cleaned here: how long a reason
// must be and which addresses are institutional are the deciders' rules, with their messages.

/** A person's codice fiscale, upper-cased. */
export const fiscalCode = line(40)
  .toUpperCase()
  .refine(isValidCodiceFiscale, 'Codice fiscale non valido.')
  .prefault('');
const isMunicipality = (istat: string) => municipalityByIstat(istat) !== undefined;
/** A reason: cleaned here, judged by the decider (reasonProblem). */
export const reason = paragraph(1000).default('');

/** A pending unlock of the URL: a municipality's month. */
export const unlockParams = z.object({
  istat: z.string().regex(/^\d{6}$/),
  mese: monthParam,
});
export const approveUnlockSchema = z.object({
  nota: paragraph(1000)
    .optional()
    .transform((note) => note || null),
});
export const rejectUnlockSchema = z.object({ motivo: reason });

/** The municipality of the URL whose user changes: one of Apulia's (404 otherwise). */
export const officerParams = z.object({ istat: z.string().refine(isMunicipality) });
export const assignOfficerSchema = z.object({
  comune: z
    .string({ error: 'Scegliere il comune.' })
    .refine(isMunicipality, 'Scegliere il comune.'),
  codiceFiscale: fiscalCode,
  email: line(254).default(''),
  motivo: reason,
});
/** A second user for one municipality, on the Region's authorisation (its rules: the decider's). */
export const authoriseSecondUserSchema = assignOfficerSchema.extend({
  documento: line(200).default(''),
  scadenza: line(10).default(''),
});
/** The second user of the URL whose authorisation ends (404 for an unknown municipality). */
export const secondUserParams = officerParams.extend({ codiceFiscale: fiscalCode });
export const changeOfficerEmailSchema = z.object({ email: line(254).default(''), motivo: reason });
export const endOfficerAssignmentSchema = z.object({ motivo: reason });

/** The admin of the URL whose role is revoked: a valid fiscal code (404 otherwise). */
export const adminParams = z.object({ codiceFiscale: fiscalCode });
export const grantAdminSchema = z.object({ amministratore: fiscalCode });
export const revokeAdminSchema = z.object({ motivo: reason });
