import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../../../src/platform/http/contentDisposition.js';

/** The name a browser saves, as RFC 6266 tells it to read the header: filename* first. */
function savedName(header: string): string {
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(header)?.[1];
  return encoded ? decodeURIComponent(encoded) : /filename="([^"]*)"/.exec(header)![1]!;
}

describe('contentDisposition', () => {
  it('keeps a plain ASCII name as it always was', () => {
    expect(contentDisposition('attachment', 'flussi-2026.csv')).toBe(
      'attachment; filename="flussi-2026.csv"',
    );
    expect(contentDisposition('inline', 'anteprima.pdf')).toBe('inline; filename="anteprima.pdf"');
  });

  it('gives an accented name in UTF-8 and a transliterated ASCII fallback', () => {
    const header = contentDisposition('attachment', 'carta d’identità.pdf');
    expect(header).toBe(
      `attachment; filename="carta d'identita.pdf"; filename*=UTF-8''carta%20d%E2%80%99identit%C3%A0.pdf`,
    );
    expect(savedName(header)).toBe('carta d’identità.pdf');
  });

  it('drops bidi overrides and controls from both forms, and keeps an emoji only in filename*', () => {
    const header = contentDisposition('attachment', 'foto 😀\u202Efdp.exe\u0000\r\n');
    expect(header).toMatch(/^attachment; filename="foto _fdp\.exe"; filename\*=UTF-8''[^;]+$/);
    expect(savedName(header)).toBe('foto 😀fdp.exe');
  });

  it('never lets the name close the quoted string or add a parameter', () => {
    const header = contentDisposition('attachment', 'a"; filename="b\\c%41 (1)*.pdf');
    expect(header.match(/"/g)).toHaveLength(2);
    expect(header).not.toContain('filename="b');
    expect(/filename\*=UTF-8''([^;]+)$/.exec(header)?.[1]).not.toMatch(
      /[^A-Za-z0-9!#$&+\-.^_`|~%]/,
    );
  });

  it('is a valid header value for any name, a lone surrogate or an empty one included', () => {
    for (const name of ['\uD800x.pdf', '', '\u202E', '𝒳'.repeat(500), `a${'𝒳'.repeat(500)}`]) {
      const header = contentDisposition('attachment', name);
      expect(header, name).toMatch(/^[\x20-\x7E]+$/);
    }
    expect(contentDisposition('attachment', '\u202E')).toBe('attachment; filename="documento"');
  });
});
