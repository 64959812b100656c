/// <reference lib="es2024.string" />
// isWellFormed and toWellFormed: Node 20 has them, the project's ES2023 lib does not declare them.
import { z } from 'zod';

// C0 controls but tab, line feed and carriage return; DEL; C1 controls. NUL among them: PostgreSQL
// text cannot hold it, and a read model that meets it stops.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const lineBreaks = /[\t\n\r]/;
// Embeddings, overrides and isolates: they make 'fdp.exe' look like 'exe.pdf' on screen.
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/;

export const controlCharactersMessage =
  'Il testo contiene caratteri di controllo non ammessi: riscriverlo senza copiarlo da altri programmi.';
export const bidiCharactersMessage =
  'Il testo contiene caratteri che invertono la direzione della scrittura: eliminarli.';
export const brokenCharactersMessage =
  'Il testo contiene caratteri non validi (codifica danneggiata): riscriverlo.';

/** Why `value` cannot be kept as text, in Italian, or null when it can. */
export function textProblem(value: string, multiLine = false): string | null {
  // Half of a UTF-16 pair with no other half: no valid UTF-8 encodes it.
  if (!value.isWellFormed()) return brokenCharactersMessage;
  if (controls.test(value) || (!multiLine && lineBreaks.test(value)))
    return controlCharactersMessage;
  if (bidiControls.test(value)) return bidiCharactersMessage;
  return null;
}

/** A refinement that stops at the first bad character, before any other check reads the text. */
const clean = (multiLine: boolean) =>
  z.string().check((ctx) => {
    const problem = textProblem(ctx.value, multiLine);
    if (problem)
      ctx.issues.push({ code: 'custom', message: problem, input: ctx.value, abort: true });
  });

const maxLength = (max: number) => `Massimo ${max} caratteri.`;

/**
 * One line typed by a person: no control, bidi or broken character; NFC (so 'è' typed two ways
 * is one name) and trimmed; at most `max` characters. Chain `.min(1, …)` for a required field.
 */
export const line = (max = 200): z.ZodString =>
  clean(false).normalize('NFC').trim().max(max, maxLength(max));

/** Text over several lines (a reason, a note): tabs and line breaks allowed. */
export const paragraph = (max = 2000): z.ZodString =>
  clean(true).normalize('NFC').trim().max(max, maxLength(max));

/** A required line, with the message shown when it is empty. */
export const requiredLine = (message: string, max = 200): z.ZodString => line(max).min(1, message);

/** An optional line: empty becomes null. */
export const optionalLine = (max = 200) =>
  line(max)
    .optional()
    .transform((value) => value || null);

/** A secret as typed (a password): never trimmed or normalised, but no control character. */
export const secret = (max = 200): z.ZodString => clean(false).max(max, maxLength(max));

const unsafeInNames = new RegExp(
  `${controls.source}|${lineBreaks.source}|${bidiControls.source}`,
  'g',
);

/**
 * A file name as the browser sent it, made safe to keep and show: controls, bidi characters and
 * path separators removed, NFC, at most 200 characters (code points: never half a
 * pair, so it can be percent-encoded) keeping the extension.
 */
export function safeFileName(name: string, fallback = 'file'): string {
  const cleaned = name
    .toWellFormed()
    .replace(unsafeInNames, '')
    .replace(/[\\/:*?"<>|]/g, '_')
    .normalize('NFC')
    .trim()
    .replace(/^\.+/, '');
  if (!cleaned) return fallback;
  // By code points, so an emoji is never cut in half.
  const characters = Array.from(cleaned);
  if (characters.length <= 200) return cleaned;
  const extension = /\.[A-Za-z0-9]{1,10}$/.exec(cleaned)?.[0] ?? '';
  return characters.slice(0, 200 - extension.length).join('') + extension;
}
