import { z } from 'zod';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { commandIdField } from '../platform/http/command.js';
import { compact } from '../platform/http/forms.js';
import { paragraph } from '../platform/http/text.js';

// The forms of «Validazione annuale». Which years and months may be decided, and how long the
// remarks must be, are the deciders' rules, with their messages.

/** A municipality of Apulia and a year in the URL (404 otherwise). */
export const yearParams = z.object({
  istat: z.string().refine((istat) => municipalityByIstat(istat) !== undefined),
  anno: z
    .string()
    .regex(/^20\d{2}$/)
    .transform(Number),
});

export const validateYearSchema = z.object({ commandId: commandIdField });

/** The months ticked: `mesi[3]=3` for March, so each box has a name of its own. */
const monthNumbers = (value: unknown): number[] =>
  compact(Array.isArray(value) ? (value as unknown[]) : undefined).map(Number);

export const sendYearBackSchema = z.object({
  osservazioni: paragraph(2000).default(''),
  mesi: z.unknown().optional().transform(monthNumbers),
  commandId: commandIdField,
});

/** The page's year: a closed one (the last by default); a province, BA until another is chosen. */
export const yearPageQuery = z.object({
  anno: z.coerce.number().int().optional().catch(undefined),
});
