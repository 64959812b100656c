import { noNames, type AuditNames, type NamedReference } from './auditNames.js';
import { fieldLabel } from './fieldLabels.js';
import { keyedBy, referenceFields, valueLabel, type KeyKind } from './fieldValues.js';
import { romeDisplay } from './historyTime.js';

export interface DataHtmlOptions {
  /** Names above values, for narrow places such as a table cell. */
  readonly compact?: boolean;
  /** The names of the ids the value holds (auditNames.ts); none: ids are shown as they are. */
  readonly names?: AuditNames;
  /** The field the value is of, and the field that holds that one (a value of a diff). */
  readonly field?: string;
  readonly parent?: string;
}

/**
 * A JSON value for people, as HTML: an object as a definition list of its fields, each named in
 * Italian (fieldLabels.ts), a list of records that share their fields as a table, any other list
 * as a numbered list, nested values nested; an id of an account, a company, a contract, a
 * declaration or a municipality as its name, linked to its stream; a recorded choice in words; an
 * instant in Italian time. `value` must already be redacted (redact.ts). Every text is escaped
 * here; the views insert the result as it is (`<%~ %>`). Built as one string rather than a
 * template included per value: an event of a declaration has hundreds of values.
 */
export function eventDataHtml(value: unknown, options: DataHtmlOptions = {}): string {
  const out: string[] = [];
  const { compact = false, names = noNames, field, parent } = options;
  write(out, value, { depth: 0, compact, names, field, parent });
  return out.join('');
}

interface Context {
  readonly depth: number;
  readonly compact: boolean;
  readonly names: AuditNames;
  /** The field the value is of (a list's items are of the list's field). */
  readonly field: string | undefined;
  readonly parent: string | undefined;
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => escapes[c]!);

const muted = (text: string) => `<span class="text-muted">${text}</span>`;

/** A field's name: in Italian, or its own name as code when the table does not know it. */
export function fieldNameHtml(key: string, parent?: string): string {
  const label = fieldLabel(key, parent);
  return label === key ? `<code>${escapeHtml(key)}</code>` : escapeHtml(label);
}

function write(out: string[], value: unknown, ctx: Context): void {
  if (Array.isArray(value)) writeList(out, value, ctx);
  else if (value !== null && typeof value === 'object') writeRecord(out, value, ctx);
  else out.push(scalar(value as string | number | boolean | null, ctx));
}

const inner = (ctx: Context, field: string | undefined, parent: string | undefined): Context => ({
  ...ctx,
  depth: ctx.depth + 1,
  field,
  parent,
});

function writeList(out: string[], items: readonly unknown[], ctx: Context): void {
  if (items.length === 0) {
    out.push(muted('elenco vuoto'));
    return;
  }
  const fields = sharedFields(items);
  if (fields) {
    writeTable(out, items, fields, ctx);
    return;
  }
  out.push('<ol class="mb-0 ps-4">');
  for (const item of items) {
    out.push('<li>');
    write(out, item, inner(ctx, ctx.field, ctx.parent));
    out.push('</li>');
  }
  out.push('</ol>');
}

/** The name of a key that is data (a year, an account, a file's name), not a field. */
function dataKeyHtml(key: string, kind: KeyKind, ctx: Context): string {
  if (kind === 'year' || kind === 'text') return escapeHtml(key);
  return reference(key, ctx.names.name(kind, key));
}

function writeRecord(out: string[], record: object, ctx: Context): void {
  const entries = Object.entries(record);
  if (entries.length === 0) {
    out.push(muted('nessun campo'));
    return;
  }
  const keyed = ctx.field === undefined ? undefined : keyedBy.get(ctx.field);
  out.push(
    `<dl class="event-data${ctx.compact ? ' compact' : ''}${ctx.depth > 0 ? ' nested' : ''}">`,
  );
  for (const [key, item] of entries) {
    const name = keyed ? dataKeyHtml(key, keyed, ctx) : fieldNameHtml(key, ctx.field);
    out.push(`<dt>${name}</dt><dd>`);
    write(out, item, keyed ? inner(ctx, undefined, ctx.field) : inner(ctx, key, ctx.field));
    out.push('</dd>');
  }
  out.push('</dl>');
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

function reference(id: string, named: NamedReference | undefined): string {
  if (!named) return escapeHtml(id);
  const label = escapeHtml(named.label);
  return named.href
    ? `<a href="${escapeHtml(named.href)}" title="${escapeHtml(id)}">${label}</a>`
    : `<span title="${escapeHtml(id)}">${label}</span>`;
}

/** A JSON scalar: string, number, boolean or null, read through the field it is the value of. */
function scalar(value: string | number | boolean | null | undefined, ctx: Context): string {
  if (value === null || value === undefined) return muted('nessun valore');
  if (typeof value === 'boolean') return value ? 'sì' : 'no';
  if (value === '') return muted('testo vuoto');
  if (typeof value === 'string' && ctx.field !== undefined) {
    const kind = referenceFields.get(ctx.field);
    if (kind) return reference(value, ctx.names.name(kind, value));
    const words = valueLabel(ctx.field, value);
    if (words !== undefined) return escapeHtml(words);
  }
  if (typeof value === 'string' && isoInstant.test(value)) {
    return `<time datetime="${escapeHtml(value)}">${escapeHtml(romeDisplay(value))}</time>`;
  }
  return escapeHtml(String(value));
}

/** The fields of a list of two or more records that all have the same ones; null otherwise. */
function sharedFields(items: readonly unknown[]): string[] | null {
  if (items.length < 2) return null;
  const isRecord = (item: unknown): item is Record<string, unknown> =>
    item !== null && typeof item === 'object' && !Array.isArray(item);
  if (!items.every(isRecord)) return null;
  const keys = Object.keys(items[0] as object);
  const same = items.every((item) => {
    const own = Object.keys(item);
    return own.length === keys.length && own.every((key, i) => key === keys[i]);
  });
  return same && keys.length > 0 ? keys : null;
}

function writeTable(out: string[], items: readonly unknown[], keys: string[], ctx: Context): void {
  out.push('<div class="table-responsive"><table class="table table-sm event-data-table mb-0">');
  out.push('<thead><tr><th scope="col">#</th>');
  for (const key of keys) out.push(`<th scope="col">${fieldNameHtml(key, ctx.field)}</th>`);
  out.push('</tr></thead><tbody>');
  items.forEach((item, i) => {
    out.push(`<tr><td>${i + 1}</td>`);
    for (const key of keys) {
      out.push('<td>');
      write(out, (item as Record<string, unknown>)[key], {
        ...inner(ctx, key, ctx.field),
        compact: true,
      });
      out.push('</td>');
    }
    out.push('</tr>');
  });
  out.push('</tbody></table></div>');
}
