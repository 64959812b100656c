import type { z } from 'zod';
import { DomainError } from '../../../domain/shared/domainError.js';
import { line } from './text.js';

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

/** Repeated blocks a form may post (rows 0…499): the pages add far fewer. */
export const maxFormRows = 500;

// Names that would walk up to a prototype instead of naming a field.
const forbiddenNames = new Set(['__proto__', 'constructor', 'prototype']);
const isIndex = (part: string) => /^\d+$/.test(part);

type Branch = Record<string, unknown> | unknown[];

// Blocks inherit nothing from Object.prototype, so no field name can reach it. Printed where a
// template expects text (a forged 'name[x]'), a block reads as empty instead of failing the page.
const blockPrototype = Object.freeze(
  Object.create(null, { [Symbol.toPrimitive]: { value: () => '' } }) as object,
);
const newBlock = () => Object.create(blockPrototype) as Record<string, unknown>;

/** A body no page of ours posts: refused with a 422 before anything reads it. */
const malformedForm = (message = 'Il modulo contiene un campo non valido.') =>
  new DomainError('MalformedForm', 'validation', message);

/** Where `part` may be stored in `node`: never a prototype, never past the last row allowed. */
function checkedKey(node: Branch, part: string): string | number {
  if (forbiddenNames.has(part)) throw malformedForm();
  if (!Array.isArray(node)) return part;
  if (!isIndex(part)) throw malformedForm();
  const index = Number(part);
  if (index >= maxFormRows)
    throw malformedForm(`Il modulo contiene troppe righe: al massimo ${maxFormRows}.`);
  return index;
}

/**
 * Turns a flat urlencoded body ({ 'companies[0][name]': 'X' }) into nested objects and arrays,
 * so one zod schema can check a form with repeated blocks. A name that tries to reach a prototype,
 * or a row index past maxFormRows, is a 422.
 */
export function nestFields(body: unknown): Record<string, unknown> {
  const root = newBlock();
  if (!body || typeof body !== 'object') return root;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const parts = name.replace(/\]/g, '').split('[');
    let node: Branch = root;
    parts.forEach((part, index) => {
      const slots = node as Record<string | number, unknown>;
      const key = checkedKey(node, part);
      const next = parts[index + 1];
      if (next === undefined) {
        slots[key] = Array.isArray(value) ? value.at(-1) : value;
        return;
      }
      slots[key] ??= isIndex(next) ? [] : newBlock();
      if (typeof slots[key] !== 'object') throw malformedForm(); // 'a=1&a[b]=2'
      node = slots[key] as Branch;
    });
  }
  return root;
}

/** Dense arrays again after nesting ('[0]' and '[3]' → two items), keeping the order. */
export const compact = <T>(items: readonly (T | undefined)[] | undefined): T[] =>
  Array.isArray(items) ? items.filter((item): item is T => item !== undefined) : [];

/** Only a local path may follow a login: no open redirect to another site. */
/** `?dopo=`: where to go after signing in, kept on this site by safeRedirect. */
export const redirectTarget = line(500).optional().catch(undefined);

export const safeRedirect = (target: unknown, fallback: string): string =>
  typeof target === 'string' && /^\/(?![/\\])/.test(target) ? target : fallback;
