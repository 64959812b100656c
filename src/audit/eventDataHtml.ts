/**
 * A JSON value for people, as HTML: an object as a definition list of its fields, a list of
 * records that share their fields as a table, any other list as a numbered list, nested values
 * nested. `value` must already be redacted (redact.ts). Every text is escaped here; the views
 * insert the result as it is (`<%~ %>`). Built as one string rather than a template included per
 * value: an event of a declaration has hundreds of values, a timeline page many events.
 * `compact`: names above values, for narrow places such as a table cell.
 */
export function eventDataHtml(value: unknown, options: { compact?: boolean } = {}): string {
  const out: string[] = [];
  write(out, value, 0, options.compact ?? false);
  return out.join('');
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

function write(out: string[], value: unknown, depth: number, compact: boolean): void {
  if (Array.isArray(value)) writeList(out, value, depth, compact);
  else if (value !== null && typeof value === 'object') writeRecord(out, value, depth, compact);
  else out.push(scalar(value as string | number | boolean | null));
}

function writeList(
  out: string[],
  items: readonly unknown[],
  depth: number,
  compact: boolean,
): void {
  if (items.length === 0) {
    out.push(muted('elenco vuoto'));
    return;
  }
  const fields = sharedFields(items);
  if (fields) {
    writeTable(out, items, fields, depth);
    return;
  }
  out.push('<ol class="mb-0 ps-4">');
  for (const item of items) {
    out.push('<li>');
    write(out, item, depth + 1, compact);
    out.push('</li>');
  }
  out.push('</ol>');
}

function writeRecord(out: string[], record: object, depth: number, compact: boolean): void {
  const entries = Object.entries(record);
  if (entries.length === 0) {
    out.push(muted('nessun campo'));
    return;
  }
  out.push(`<dl class="event-data${compact ? ' compact' : ''}${depth > 0 ? ' nested' : ''}">`);
  for (const [key, item] of entries) {
    out.push(`<dt><code>${escapeHtml(key)}</code></dt><dd>`);
    write(out, item, depth + 1, compact);
    out.push('</dd>');
  }
  out.push('</dl>');
}

/** A JSON scalar: string, number, boolean or null. */
function scalar(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return muted('nessun valore');
  if (typeof value === 'boolean') return value ? 'sì' : 'no';
  if (value === '') return muted('testo vuoto');
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

function writeTable(out: string[], items: readonly unknown[], keys: string[], depth: number): void {
  out.push('<div class="table-responsive"><table class="table table-sm event-data-table mb-0">');
  out.push('<thead><tr><th scope="col">#</th>');
  for (const key of keys) out.push(`<th scope="col"><code>${escapeHtml(key)}</code></th>`);
  out.push('</tr></thead><tbody>');
  items.forEach((item, i) => {
    out.push(`<tr><td>${i + 1}</td>`);
    for (const key of keys) {
      out.push('<td>');
      write(out, (item as Record<string, unknown>)[key], depth + 1, true);
      out.push('</td>');
    }
    out.push('</tr>');
  });
  out.push('</tbody></table></div>');
}
