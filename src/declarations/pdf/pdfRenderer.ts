import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Pdfmake from 'pdfmake';
import type { Content, TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces.js';

const require = createRequire(import.meta.url);
const titilliumDir = join(
  dirname(require.resolve('bootstrap-italia/package.json')),
  'dist',
  'fonts',
  'Titillium_Web',
);
const titillium = (weight: string) =>
  join(titilliumDir, `titillium-web-v10-latin-ext_latin-${weight}.ttf`);

/**
 * Text in Titillium Web, the design system's face shipped by bootstrap-italia, embedded and
 * subset: latin-ext covers à è é ì ò ù, €, ³ and the names of every EU Latin alphabet a declarant
 * may type. TTF rather than WOFF2 so fontkit does not decompress it on every render.
 * Hashes in Courier, a standard PDF font: they are ASCII and need no embedding.
 */
const fonts: TFontDictionary = {
  Titillium: {
    normal: titillium('regular'),
    bold: titillium('600'),
    italics: titillium('italic'),
    bolditalics: titillium('600italic'),
  },
  Mono: {
    normal: 'Courier',
    bold: 'Courier-Bold',
    italics: 'Courier',
    bolditalics: 'Courier-Bold',
  },
};
const allowedFonts = new Set(
  Object.values(fonts).flatMap((face) => Object.values(face) as string[]),
);

/**
 * pdfmake and its fonts, loaded on the first document (a process that renders none, or renders
 * on its worker thread, never loads them).
 */
let pdfmakeReady: Promise<typeof Pdfmake.default> | undefined;
const loadPdfmake = () =>
  (pdfmakeReady ??= (async () => {
    // Before pdfmake, so pdfkit finds the caching fontkit.
    await import('./fontCache.js');
    const { default: pdfmake } = await import('pdfmake');
    pdfmake.setFonts(fonts);
    // Our documents load nothing but these fonts: no URL, no other local file.
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((path) => allowedFonts.has(path));
    return pdfmake;
  })());

/** Dates written in the PDF's info when the document has no instant of its own (previews, notes). */
export const fixedDocumentDate = new Date('2000-01-01T00:00:00Z');

export interface PdfMetadata {
  readonly title: string;
  readonly subject: string;
  /** CreationDate and ModDate; pdfkit derives the file ID from them, so they must be fixed. */
  readonly date: Date;
}

export const baseStyles: TDocumentDefinitions['styles'] = {
  title: { fontSize: 16, bold: true, margin: [0, 0, 0, 2] },
  subtitle: { fontSize: 11, color: '#33485c', margin: [0, 0, 0, 8] },
  heading: { fontSize: 12, bold: true, color: '#06c', margin: [0, 12, 0, 4] },
  tableHeader: { bold: true, fillColor: '#e8eef4' },
  caption: { bold: true, margin: [0, 0, 0, 2] },
  small: { fontSize: 8, color: '#33485c' },
  muted: { color: '#5c6f82' },
  mono: { font: 'Mono', fontSize: 8 },
  banner: { fontSize: 13, bold: true, color: '#a61919', alignment: 'center' },
};

/**
 * Renders a document definition to a PDF. The same definition and metadata give the same bytes:
 * pdfkit's file ID is an MD5 of the info dictionary (dates included), font subset tags come from
 * font ids, and nothing else reads the clock or a random source.
 */
export async function renderPdf(
  definition: Omit<TDocumentDefinitions, 'info'>,
  metadata: PdfMetadata,
): Promise<Buffer> {
  const pdfmake = await loadPdfmake();
  return pdfmake
    .createPdf({
      pageSize: 'A4',
      pageMargins: [40, 40, 40, 50],
      language: 'it-IT',
      defaultStyle: { font: 'Titillium', fontSize: 9.5, lineHeight: 1.1 },
      styles: baseStyles,
      ...definition,
      info: {
        title: metadata.title,
        subject: metadata.subject,
        author: 'Dichiara',
        creator: 'Dichiara',
        producer: 'Dichiara',
        creationDate: metadata.date,
        modDate: metadata.date,
      },
    })
    .getBuffer();
}

/** A footer with a left text and "Pagina n di m". */
export const pageFooter =
  (left: string) =>
  (currentPage: number, pageCount: number): Content => ({
    margin: [40, 15, 40, 0],
    columns: [
      { text: left, style: 'small' },
      {
        text: `Pagina ${currentPage} di ${pageCount}`,
        style: 'small',
        alignment: 'right',
        width: 'auto',
      },
    ],
  });
