import { z } from 'zod';
import type { WorkbookIssue } from '../../domain/declarations/declarationFigures.js';
import { parseForm, type FieldErrors } from '../platform/http/forms.js';
import { line, paragraph } from '../platform/http/text.js';
import {
  filledRows,
  maxOnlineRows,
  rowInputs,
  type CellForm,
  type CellInput,
  type CellTable,
  type CellTexts,
} from './workbooks/cellForms.js';
import { analysesSheets } from './workbooks/analysesLayout.js';
import { declarationSheets, FIRST_DATA_ROW } from './workbooks/declarationLayout.js';
import type { TemplateContext } from './workbooks/index.js';

/*
 * «Compila online»: a workbook's input cells as a form. Each input is named by its sheet's key
 * and its cell (fonti[C2]); what is typed is the cell's text, read by the workbook reader, so the
 * form gives the upload's messages for the same figures.
 */

/** The form's name for each sheet. */
const sheetKeys: Readonly<Record<string, string>> = {
  [declarationSheets.summary]: 'dichiarazione',
  [declarationSheets.sources]: 'fonti',
  [declarationSheets.dischargeMeters]: 'contatori',
  [declarationSheets.deductions]: 'detrazioni',
  [analysesSheets.results]: 'analisi',
};
const keyOf = (sheet: string): string =>
  Object.hasOwn(sheetKeys, sheet) ? sheetKeys[sheet]! : sheet;

const nameOf = (input: { sheet: string; cell: string }): string =>
  `${keyOf(input.sheet)}[${input.cell}]`;
const idOf = (input: { sheet: string; cell: string }): string =>
  `${keyOf(input.sheet)}-${input.cell}`;

const unknownField = 'Il modulo contiene un campo non valido.';
const lastRow = FIRST_DATA_ROW + maxOnlineRows - 1;

const tableSchema = (table: CellTable) => {
  // No leading zero: «G002» would be G2 in the workbook and another cell here.
  const cell = new RegExp(`^[${table.columns.map((c) => c.letter).join('')}]([1-9]\\d{0,2})$`);
  return z
    .record(
      z.string().refine((ref) => {
        const row = Number(cell.exec(ref)?.[1]);
        return row >= FIRST_DATA_ROW && row <= lastRow;
      }, unknownField),
      line(200),
    )
    .default({});
};

const singlesSchema = (inputs: readonly CellInput[]) =>
  z
    .strictObject(
      Object.fromEntries(
        inputs.map((input) => [
          input.cell,
          (input.input === 'paragraph' ? paragraph(1000) : line(40)).optional(),
        ]),
      ),
      { error: unknownField },
    )
    .default({});

/** Every cell of the form, by sheet key; anything else in the body is a field we never drew. */
const cellsSchemaOf = (form: CellForm) =>
  z.object(
    Object.fromEntries(
      form.sheets.map((sheet) => {
        const table = form.tables.find((each) => each.sheet === sheet);
        const singles = form.singles.filter((input) => input.sheet === sheet);
        return [keyOf(sheet), table ? tableSchema(table) : singlesSchema(singles)];
      }),
    ),
  );

/** Built once per form: making the schema cost more than parsing a save with it. */
const cellsSchemas = new WeakMap<CellForm, ReturnType<typeof cellsSchemaOf>>();
const cellsSchema = (form: CellForm) => {
  if (!cellsSchemas.has(form)) cellsSchemas.set(form, cellsSchemaOf(form));
  return cellsSchemas.get(form)!;
};

/** What the form asks for: save, download, check one field, or add a row (aggiungi-fonti). */
const controlSchema = z.object({
  azione: z
    .string()
    .regex(/^(salva|excel|verifica|aggiungi-[a-z]{1,20})$/)
    .catch('salva'),
  campo: z.string().max(40).optional().catch(undefined),
  /** The fields the page shows a message beside, by id: a check redraws them all. */
  segnalati: z.record(z.string().max(40), z.string().max(2)).catch({}),
  righe: z
    .record(z.string().max(40), z.coerce.number().int().min(1).max(maxOnlineRows).catch(1))
    .catch({}),
});

export interface OnlineForm {
  readonly action: 'salva' | 'excel' | 'verifica' | 'aggiungi';
  /** The table «+ Aggiungi riga» adds to, by sheet. */
  readonly table: string | null;
  /** The field an htmx check asks about. */
  readonly field: string | null;
  /** The ids of the fields the page shows a message beside. */
  readonly flagged: ReadonlySet<string>;
  readonly texts: CellTexts;
  /** Rows each table showed, by sheet, so that the empty ones added stay. */
  readonly rows: Readonly<Record<string, number>>;
  /** Fields refused before any reading: too long, control characters, unknown names. */
  readonly errors: FieldErrors;
}

/** A refused form keeps what it can show again: strings only, of a sane size. */
function safeCells(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] =>
        /^[A-Z][1-9]\d{0,2}$/.test(entry[0]) &&
        typeof entry[1] === 'string' &&
        entry[1].length <= 1000,
    ),
  );
}

/** The posted form (nested by nestFields): the cells' texts, and an error beside each refused. */
export function readOnlineForm(form: CellForm, body: Record<string, unknown>): OnlineForm {
  const control = controlSchema.parse(body);
  const cells = parseForm(cellsSchema(form), body);
  const values = (sheet: string): Record<string, unknown> =>
    cells.ok
      ? ((cells.data as Record<string, Record<string, unknown>>)[keyOf(sheet)] ?? {})
      : safeCells(body[keyOf(sheet)]);
  const [action, added] = control.azione.split('-') as [OnlineForm['action'], string | undefined];
  return {
    action,
    table: form.tables.find((table) => keyOf(table.sheet) === added)?.sheet ?? null,
    field: control.campo ?? null,
    flagged: new Set(Object.keys(control.segnalati)),
    texts: new Map(
      form.sheets.map((sheet) => [
        sheet,
        new Map(
          Object.entries(values(sheet)).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        ),
      ]),
    ),
    rows: Object.fromEntries(
      form.tables.map((table) => [table.sheet, control.righe[keyOf(table.sheet)] ?? 1]),
    ),
    errors: cells.ok ? {} : cells.errors,
  };
}

/** Each issue of a cell beside its field, by the field's name; the others for the summary. */
export function issuesByField(issues: readonly WorkbookIssue[]): {
  byField: Record<string, WorkbookIssue>;
  general: WorkbookIssue[];
} {
  const byField: Record<string, WorkbookIssue> = {};
  const general: WorkbookIssue[] = [];
  for (const issue of issues) {
    if (issue.sheet && issue.cell && Object.hasOwn(sheetKeys, issue.sheet))
      byField[nameOf({ sheet: issue.sheet, cell: issue.cell })] ??= issue;
    else general.push(issue);
  }
  return { byField, general };
}

/** One input as the page draws it. */
export interface FieldView extends CellInput {
  readonly name: string;
  readonly id: string;
  readonly value: string;
  readonly error: string | null;
  readonly warning: string | null;
  /** A table's cell: labelled by its column and row, not by a label above it. */
  readonly row: number | null;
}

export interface OnlineView {
  readonly singles: readonly FieldView[];
  readonly tables: readonly {
    readonly key: string;
    readonly title: string;
    readonly headers: readonly string[];
    readonly rows: readonly (readonly FieldView[])[];
  }[];
  /** Every field, in page order. */
  readonly fields: readonly FieldView[];
}

/** The form's fields with the texts typed and the messages for each. */
export function onlineView(
  form: CellForm,
  ctx: TemplateContext,
  texts: CellTexts,
  messages: { refused: FieldErrors; issues: readonly WorkbookIssue[] },
  rows: Readonly<Record<string, number>>,
): OnlineView {
  const { byField } = issuesByField(messages.issues);
  const field = (input: CellInput, row: number | null = null): FieldView => {
    const name = nameOf(input);
    const issue = byField[name];
    return {
      ...input,
      name,
      id: idOf(input),
      value: texts.get(input.sheet)?.get(input.cell) ?? '',
      error: messages.refused[name] ?? (issue?.severity === 'error' ? issue.problem : null),
      warning: issue?.severity === 'warning' ? issue.problem : null,
      row,
    };
  };
  const singles = form.singles.map((input) => field(input));
  const tables = form.tables.map((table) => {
    // Every row up to the last one typed, and at least as many as the page showed.
    const typed = (filledRows(texts, table).at(-1) ?? FIRST_DATA_ROW - 1) - FIRST_DATA_ROW + 1;
    const shown = Math.min(maxOnlineRows, Math.max(typed, rows[table.sheet] ?? 1));
    return {
      key: keyOf(table.sheet),
      title: table.sheet,
      headers: table.columns.map((column) => column.header),
      rows: Array.from({ length: shown }, (_, i) =>
        rowInputs(table, FIRST_DATA_ROW + i, ctx).map((input) => field(input, i + 1)),
      ),
    };
  });
  return { singles, tables, fields: [...singles, ...tables.flatMap((table) => table.rows.flat())] };
}
