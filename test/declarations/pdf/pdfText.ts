import { getDocument, PDFDateString, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

/**
 * The text of a PDF as a reader sees it: page by page, each visual line on one line, the items of
 * a line left to right, a space where the layout leaves a gap (so a table row reads as one line,
 * as a layout-keeping text extractor gives it). Read by pdf.js, so tests need nothing but npm.
 */
export async function pdfText(pdf: Buffer): Promise<string> {
  return withDocument(pdf, async (document) => {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const { items } = await page.getTextContent();
      pages.push(layoutLines(items.filter(isText)).join('\n'));
    }
    return pages.join('\n\f');
  });
}

export interface PdfInfo {
  readonly creationDate: string | null;
  readonly modDate: string | null;
  readonly producer: string | null;
}

/** The document's info dictionary; dates as ISO 8601 instants. */
export async function pdfInfo(pdf: Buffer): Promise<PdfInfo> {
  return withDocument(pdf, async (document) => {
    const info: Partial<Record<string, unknown>> = { ...(await document.getMetadata()).info };
    const date = (value: unknown) =>
      typeof value === 'string'
        ? (PDFDateString.toDateObject(value)?.toISOString().replace('.000Z', 'Z') ?? null)
        : null;
    return {
      creationDate: date(info.CreationDate),
      modDate: date(info.ModDate),
      producer: typeof info.Producer === 'string' ? info.Producer : null,
    };
  });
}

/** Text with runs of spaces collapsed, for phrases the layout may pad. */
export const squeezed = (text: string): string => text.replace(/[ \t]+/g, ' ');

async function withDocument<T>(
  pdf: Buffer,
  read: (document: PDFDocumentProxy) => Promise<T>,
): Promise<T> {
  const document = await getDocument({
    data: new Uint8Array(pdf),
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  try {
    return await read(document);
  } finally {
    await document.destroy();
  }
}

const isText = (item: object): item is TextItem => 'str' in item && 'transform' in item;

function layoutLines(items: TextItem[]): string[] {
  const lines: { y: number; height: number; items: TextItem[] }[] = [];
  for (const item of items) {
    if (item.str === '') continue;
    const y = item.transform[5] as number;
    // Baselines closer than half the taller text's height are one line (a larger protocol
    // number sits a little lower than its label).
    const line = lines.find(
      (candidate) => Math.abs(candidate.y - y) <= Math.max(candidate.height, item.height) / 2,
    );
    if (line) {
      line.items.push(item);
      line.height = Math.max(line.height, item.height);
    } else lines.push({ y, height: item.height, items: [item] });
  }
  return lines
    .sort((a, b) => b.y - a.y)
    .map(({ items: onLine }) => {
      const sorted = onLine.sort((a, b) => x(a) - x(b));
      let text = '';
      let end = -Infinity;
      for (const item of sorted) {
        if (text !== '' && x(item) - end > 1 && !text.endsWith(' ')) text += ' ';
        text += item.str;
        end = x(item) + item.width;
      }
      return text;
    });
}

const x = (item: TextItem): number => item.transform[4] as number;
