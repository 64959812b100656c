import { safeFileName } from './text.js';

/**
 * The Content-Disposition of a download (RFC 6266): `filename` in plain ASCII for old clients and,
 * when the name has more than that, `filename*` (RFC 5987) with the name in UTF-8. Node refuses a
 * header value outside Latin-1, so a name such as "carta d’identità.pdf" written as it is would
 * turn the download into a 500. Controls and bidi characters never reach either form.
 */
export function contentDisposition(kind: 'attachment' | 'inline', fileName: string): string {
  const name = safeFileName(fileName, 'documento');
  const fallback = asciiFallback(name);
  const header = `${kind}; filename="${fallback}"`;
  return fallback === name ? header : `${header}; filename*=UTF-8''${percentEncoded(name)}`;
}

/** Accents dropped ("à" → "a"), typographic apostrophes made plain, anything else non-ASCII '_'. */
function asciiFallback(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[‘’]/g, "'")
      .replace(/[^\x20-\x7E]/gu, '_')
      // Some clients decode %XX in the plain form: only filename* is meant to be decoded.
      .replace(/%/g, '_')
      // The quoted string's own delimiters, whatever the name kept.
      .replace(/["\\]/g, '')
  );
}

/** RFC 5987 attr-char: encodeURIComponent leaves ' ( ) * as they are, the RFC does not. */
const percentEncoded = (name: string) =>
  encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
