import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * pdfkit parses every embedded font anew for each document (fontkit.create), the largest part of
 * rendering a copy of record. The same bytes always give the same face, so each is parsed once.
 * fontkit's exports are read-only getters: the wrapper takes the place of the module in the
 * require cache, and must load before pdfkit does (pdfRenderer imports this module first).
 */
const require = createRequire(import.meta.url);
type Fontkit = { create(buffer: Uint8Array, postscriptName?: string): unknown };

const path = require.resolve('fontkit');
const fontkit = require('fontkit') as Fontkit;
const parsed = new Map<string, unknown>();

function create(buffer: Uint8Array, postscriptName?: string): unknown {
  const key = `${createHash('sha256').update(buffer).digest('hex')}:${postscriptName ?? ''}`;
  let font = parsed.get(key);
  if (!font) {
    font = fontkit.create(buffer, postscriptName);
    parsed.set(key, font);
  }
  return font;
}
const cached = Object.create(fontkit, { create: { value: create, enumerable: true } }) as Fontkit;

const entry = require.cache[path];
if (entry) entry.exports = cached;
