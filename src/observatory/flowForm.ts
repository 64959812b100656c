import { z } from 'zod';
import { maxRowTonnes, quantityTooLarge } from '../../domain/observatory/fileMonthlyFlow.js';
import type { FlowRow } from '../../domain/observatory/flowEvents.js';
import { collectionMethods } from '../../domain/observatory/reference/collectionMethods.js';
import { eerCode, eerCodes, formatEer } from '../../domain/observatory/reference/eerCodes.js';
import { treatmentOperations } from '../../domain/observatory/reference/treatmentOperations.js';
import { commandIdField } from '../platform/http/command.js';
import { compact } from '../platform/http/forms.js';
import { paragraph, requiredLine } from '../platform/http/text.js';

/** Rows of the month's form: righe[i][eerCode], righe[i][tonnellate], … */
export interface FlowFormValues {
  eerCode?: string;
  tonnellate?: string;
  modalita?: string;
  trasportatore?: string;
  impianto?: string;
  operazione?: string;
}

/** The reference lists the form's selects offer, shared by the page and the added rows. */
export const flowChoices = {
  eer: eerCodes.map((code) => ({
    value: code.code,
    label: `${formatEer(code.code)}${code.hazardous ? '*' : ''} – ${code.description}`,
  })),
  methods: collectionMethods.map((method) => ({ value: method.code, label: method.label })),
  operations: treatmentOperations.map((op) => ({
    value: op.code,
    label: `${op.code} – ${op.description}`,
  })),
};

/** A name typed by the officer; missing or empty, the field asks for it. */
const text = (label: string) =>
  z.string({ error: `Indicare ${label}.` }).pipe(requiredLine(`Indicare ${label}.`, 200));

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

const isBlank = (row: object) =>
  Object.values(row).every((value: unknown) => typeof value !== 'string' || !value.trim());

/**
 * The rows as posted, in order, blank ones left out (the page always offers a few spare rows).
 * Errors are keyed by the index in this list, so the page shows these rows beside them.
 */
export const typedRows = (righe: unknown): FlowFormValues[] =>
  compact(Array.isArray(righe) ? (righe as unknown[]) : undefined).filter(
    (row): row is FlowFormValues => typeof row === 'object' && row !== null && !isBlank(row),
  );

/** One row of the month by the form's rules: the form, a file import and the API share them. */
export const flowRowSchema = rowSchema.transform(toFlowRow);

/** Each field of a row with the label the form shows it by (and a file's header names it). */
export const flowFieldLabels: Readonly<Record<keyof FlowFormValues, string>> = {
  eerCode: 'Codice EER',
  tonnellate: 'Quantità (t)',
  modalita: 'Modalità di raccolta',
  trasportatore: 'Trasportatore',
  impianto: 'Impianto di destinazione',
  operazione: 'Operazione (R/D)',
};

/** The month's form: its rows, and whether to file the month or keep a draft. */
export const flowFormSchema = z.object({
  righe: z.preprocess(typedRows, z.array(flowRowSchema)),
  azione: z.literal('invia').optional().catch(undefined),
  commandId: commandIdField,
});

/** The officer's reason for an unlock; its length is the decider's rule. */
export const unlockRequestSchema = z.object({
  motivo: paragraph(1000).default(''),
  commandId: commandIdField,
});

function toFlowRow(row: z.output<typeof rowSchema>): FlowRow {
  return {
    eerCode: eerCode(row.eerCode)!.code,
    tonnes: row.tonnellate,
    collectionMethod: row.modalita,
    transporter: row.trasportatore,
    destinationPlant: row.impianto,
    operation: row.operazione,
  };
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
