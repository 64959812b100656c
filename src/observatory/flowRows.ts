import { rowIssues } from '../../domain/observatory/fileMonthlyFlow.js';
import type { FlowRow } from '../../domain/observatory/flowEvents.js';
import { flowChoices, flowRowSchema, type FlowFormValues } from './flowForm.js';

/**
 * Rows that come whole from elsewhere than the page's form (a file, the API), checked by the
 * form's schema and the decider's row rules at once, so that every problem of every row is told
 * together rather than the first one only.
 */

export type FlowField = keyof FlowFormValues;

/** The fields in the order of the form, of a file's columns and of the messages. */
export const flowFields: readonly FlowField[] = [
  'eerCode',
  'tonnellate',
  'modalita',
  'trasportatore',
  'impianto',
  'operazione',
];

/** A row as given, with the number the person or the program knows it by. */
export interface NumberedRow {
  readonly line: number;
  readonly values: FlowFormValues;
}

export interface RowProblem {
  readonly line: number;
  readonly field: FlowField;
  readonly message: string;
}

export type RowsCheck =
  | { readonly ok: true; readonly rows: FlowRow[] }
  | { readonly ok: false; readonly problems: RowProblem[] };

const folded = (text: string) => text.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/** A select's value by its code or its label, in any case: the code, or the text as it was. */
function choiceReader(choices: readonly { value: string; label: string }[]) {
  const byText = new Map<string, string>();
  for (const { value, label } of choices) {
    byText.set(folded(value), value);
    byText.set(folded(label), value);
  }
  return (text: string | undefined) =>
    text === undefined ? undefined : (byText.get(folded(text)) ?? text);
}

const readMethod = choiceReader(flowChoices.methods);
const readOperation = choiceReader(flowChoices.operations);
const readEer = choiceReader(flowChoices.eer);

/** The selects' values as the form would post them: codes (the schema then checks them). */
const asPosted = (values: FlowFormValues): FlowFormValues => ({
  ...values,
  eerCode: readEer(values.eerCode),
  modalita: readMethod(values.modalita),
  operazione: readOperation(values.operazione),
});

/** A value quoted in a message: short, and without characters that hide or reorder text. */
export const shown = (text: string): string => {
  // eslint-disable-next-line no-control-regex -- the characters a message must not repeat
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
  const chars = Array.from(clean);
  return `«${chars.length > 30 ? `${chars.slice(0, 30).join('')}…` : clean}»`;
};

/** A select given a value it does not offer: the form's «Scegliere…» would not say which. */
const unknownChoice: Partial<Record<FlowField, (value: string) => string>> = {
  modalita: (value) =>
    `Modalità di raccolta ${shown(value)} non prevista: indicare ${flowChoices.methods.map((m) => m.value).join(', ')}.`,
  operazione: (value) =>
    `Operazione ${shown(value)} non prevista: indicare un codice da R1 a R13 o da D1 a D15.`,
};

/** The schema's first message for each field of the row, in the fields' order. */
function fieldProblems(
  line: number,
  values: FlowFormValues,
  issues: readonly { path: PropertyKey[]; message: string }[],
) {
  const problems: RowProblem[] = [];
  for (const field of flowFields) {
    const issue = issues.find((candidate) => candidate.path[0] === field);
    if (!issue) continue;
    const given = values[field]?.trim();
    const message = given ? (unknownChoice[field]?.(given) ?? issue.message) : issue.message;
    problems.push({ line, field, message });
  }
  return problems;
}

/** Every row through the form's schema, then the month's row rules over the rows that passed. */
export function checkRows(rows: readonly NumberedRow[]): RowsCheck {
  const problems: RowProblem[] = [];
  const parsed: { line: number; row: FlowRow }[] = [];
  for (const { line, values } of rows) {
    const posted = asPosted(values);
    const result = flowRowSchema.safeParse(posted);
    if (result.success) parsed.push({ line, row: result.data });
    else problems.push(...fieldProblems(line, posted, result.error.issues));
  }
  const lineOf = (index: number) => parsed[index]!.line;
  for (const issue of rowIssues(parsed.map(({ row }) => row))) {
    const message =
      issue.repeats === undefined
        ? issue.message
        : `Questa riga ripete la riga ${lineOf(issue.repeats)}: somma le quantità in una sola riga.`;
    problems.push({ line: lineOf(issue.index), field: issue.field, message });
  }
  if (problems.length > 0) {
    problems.sort(
      (a, b) => a.line - b.line || flowFields.indexOf(a.field) - flowFields.indexOf(b.field),
    );
    return { ok: false, problems };
  }
  return { ok: true, rows: parsed.map(({ row }) => row) };
}
