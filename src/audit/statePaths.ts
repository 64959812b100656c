import type { AuditNames } from './auditNames.js';
import { fieldLabel } from './fieldLabels.js';
import { keyedBy } from './fieldValues.js';

/** One step of a state path: a field or data key ("managerId", "2025"), or a list index. */
type Step = { readonly key: string } | { readonly index: number };

/** "declarations.2025.status" → [declarations, 2025, status]; "companies[0].name" → [companies, 0, name]. */
function steps(path: string): Step[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((match) =>
    match[1] !== undefined ? { index: Number(match[1]) } : { key: match[2]! },
  );
}

export interface PathView {
  /** "Dichiarazioni per anno › 2025 › Stato", "Gestore": the field as a person names it. */
  readonly label: string;
  /** The field its value is of and the field holding that, to read the value (eventDataHtml). */
  readonly field: string | undefined;
  readonly parent: string | undefined;
}

/**
 * A path of the diff (stateAsOf.ts) in Italian: each field by its label, a key that is data by
 * itself (a year) or by its name (an account), a list's item by its number.
 */
export function pathView(path: string, names: AuditNames): PathView {
  const labels: string[] = [];
  let field: string | undefined;
  let parent: string | undefined;
  for (const step of steps(path)) {
    if ('index' in step) {
      labels.push(`n. ${step.index + 1}`);
      continue;
    }
    const keyed = field === undefined ? undefined : keyedBy.get(field);
    if (keyed) {
      const named =
        keyed === 'year' || keyed === 'text' ? undefined : names.name(keyed, step.key)?.label;
      labels.push(named ?? step.key);
      parent = field;
      field = undefined;
      continue;
    }
    labels.push(fieldLabel(step.key, field));
    parent = field;
    field = step.key;
  }
  return { label: labels.length ? labels.join(' › ') : '(tutto lo stato)', field, parent };
}
