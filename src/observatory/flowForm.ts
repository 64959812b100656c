import { z } from 'zod';
import { maxRowTonnes, quantityTooLarge } from '../../domain/observatory/fileMonthlyFlow.js';
import type { FlowRow } from '../../domain/observatory/flowEvents.js';
import { collectionMethods } from '../../domain/observatory/reference/collectionMethods.js';
import { eerCode } from '../../domain/observatory/reference/eerCodes.js';
import { treatmentOperations } from '../../domain/observatory/reference/treatmentOperations.js';
import { compact, nestFields, parseForm, type FieldErrors } from '../http/forms.js';

/** Rows of the month's form: righe[i][eerCode], righe[i][tonnellate], … */
export interface FlowFormValues {
  eerCode?: string;
  tonnellate?: string;
  modalita?: string;
  trasportatore?: string;
  impianto?: string;
  operazione?: string;
}

const text = (label: string) =>
  z
    .string({ error: `Indicare ${label}.` })
    .trim()
    .min(1, `Indicare ${label}.`)
    .max(200, `${label}: al massimo 200 caratteri.`);

const rowSchema = z.object({
  eerCode: z
    .string({ error: 'Scegliere il codice EER.' })
    .refine(
      (code) => Boolean(eerCode(code)),
      'Codice EER non presente nell’elenco dei rifiuti urbani.',
    ),
  tonnellate: z
    .string({ error: 'Indicare la quantità in tonnellate.' })
    .trim()
    .regex(/^\d+([.,]\d{1,3})?$/, 'Quantità in tonnellate con al massimo 3 decimali (es. 12,345).')
    .transform((value) => Number(value.replace(',', '.')))
    .refine((value) => value > 0, 'La quantità deve essere maggiore di zero.')
    .refine((value) => value <= maxRowTonnes, quantityTooLarge),
  modalita: z
    .string({ error: 'Scegliere la modalità di raccolta.' })
    .refine(
      (value) => collectionMethods.some((method) => method.code === value),
      'Scegliere la modalità di raccolta.',
    ),
  trasportatore: text('il trasportatore'),
  impianto: text("l'impianto di destinazione"),
  operazione: z
    .string({ error: "Scegliere l'operazione di recupero o smaltimento." })
    .refine(
      (value) => treatmentOperations.some((op) => op.code === value),
      "Scegliere l'operazione di recupero o smaltimento.",
    ),
});

const isBlank = (row: FlowFormValues) =>
  Object.values(row).every((value: unknown) => typeof value !== 'string' || !value.trim());

/** The rows typed in the form (blank ones ignored), or the errors keyed as the inputs are named. */
export function readFlowForm(
  body: unknown,
):
  | { ok: true; rows: FlowRow[]; values: FlowFormValues[] }
  | { ok: false; errors: FieldErrors; values: FlowFormValues[] } {
  const nested = nestFields(body) as { righe?: (FlowFormValues | undefined)[] };
  const values = compact(nested.righe).filter((row) => !isBlank(row));
  const parsed = parseForm(z.object({ righe: z.array(rowSchema) }), { righe: values });
  if (!parsed.ok) return { ok: false, errors: parsed.errors, values };
  const rows = parsed.data.righe.map((row) => ({
    eerCode: eerCode(row.eerCode)!.code,
    tonnes: row.tonnellate,
    collectionMethod: row.modalita,
    transporter: row.trasportatore,
    destinationPlant: row.impianto,
    operation: row.operazione,
  }));
  return { ok: true, rows, values };
}

/** The form's values for rows already saved. */
export const formValues = (rows: readonly FlowRow[]): FlowFormValues[] =>
  rows.map((row) => ({
    eerCode: row.eerCode,
    tonnellate: String(row.tonnes).replace('.', ','),
    modalita: row.collectionMethod,
    trasportatore: row.transporter,
    impianto: row.destinationPlant,
    operazione: row.operation,
  }));
