import { z } from 'zod';
import type { ParameterLimit } from '../../domain/campaigns/campaignSettings.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { line } from '../platform/http/text.js';

/** Decimals as the operators type them: a comma or a point, no thousands separator. */
export const decimalText = /^\d+([.,]\d+)?$/;
export const toNumber = (text: string): number => Number(text.replace(',', '.'));
/** The forms show decimals with a comma, as the operators type them. */
export const italian = (value: number | null): string =>
  value === null ? '' : String(value).replace('.', ',');

/** A figure as typed in a table's cell: clean text, read as a number once the form is whole. */
export const cellText = line(30).optional();

/** One row of a limits table as posted: the parameter (a hidden input) and its two bounds. */
export const limitRow = z.object({
  parametro: line(50).optional(),
  minimo: cellText,
  massimo: cellText,
});
export type LimitRow = z.infer<typeof limitRow>;

interface Bounds {
  readonly limit: ParameterLimit;
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * The bounds typed for each of `limits`, in its order, from the row naming its parameter; a bound
 * left empty is null, one that is not a number an error beside its input.
 */
export function readBounds(
  limits: readonly ParameterLimit[],
  rows: readonly LimitRow[],
  errors: FieldErrors,
): Bounds[] {
  return limits.map((limit, index) => {
    const row = rows.find((r) => r.parametro === limit.parameter) ?? {};
    const bound = (name: 'minimo' | 'massimo') => {
      const text = row[name] ?? '';
      if (text === '') return null;
      if (decimalText.test(text)) return toNumber(text);
      errors[`limiti[${index}][${name}]`] = `${limit.label}: inserire un numero o lasciare vuoto.`;
      return null;
    };
    return { limit, min: bound('minimo'), max: bound('massimo') };
  });
}

/**
 * Errors of a form read as a whole, as its schema's issues: each is already keyed by its input's
 * name ('limiti[3][massimo]'), which is the path the page shows it at.
 */
export function reportErrors(errors: FieldErrors, ctx: { issues: z.core.$ZodRawIssue[] }): void {
  for (const [name, message] of Object.entries(errors))
    ctx.issues.push({ code: 'custom', message, input: undefined, path: [name] });
}
