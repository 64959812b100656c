import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export type FormResult<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly errors: FieldErrors };

/** Validates a form; each error keyed by its field's name as the template writes it. */
export function parseForm<S extends z.ZodType>(schema: S, values: unknown): FormResult<z.infer<S>> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const name = fieldName(issue.path);
    errors[name] ??= issue.message;
  }
  return { ok: false, errors };
}

/** ['companies', 0, 'name'] → 'companies[0][name]', the name of the input in the HTML form. */
export function fieldName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return (head ?? '') + rest.map((part) => `[${part}]`).join('');
}

/**
 * Turns a flat urlencoded body ({ 'companies[0][name]': 'X' }) into nested objects and arrays,
 * so one zod schema can check a form with repeated blocks.
 */
export function nestFields(body: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  if (!body || typeof body !== 'object') return root;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const parts = name.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = root;
    parts.forEach((part, index) => {
      if (index === parts.length - 1) {
        node[part] = Array.isArray(value) ? value.at(-1) : value;
        return;
      }
      const next = parts[index + 1]!;
      node[part] ??= /^\d+$/.test(next) ? [] : {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return root;
}

/** Dense arrays again after nesting ('[0]' and '[3]' → two items), keeping the order. */
export const compact = <T>(items: readonly (T | undefined)[] | undefined): T[] =>
  (items ?? []).filter((item): item is T => item !== undefined);

/** Only a local path may follow a login: no open redirect to another site. */
export const safeRedirect = (target: unknown, fallback: string): string =>
  typeof target === 'string' && /^\/(?![/\\])/.test(target) ? target : fallback;
