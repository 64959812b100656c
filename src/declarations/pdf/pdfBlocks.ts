import type { Content, TableCell } from 'pdfmake/interfaces.js';

/** Small building blocks shared by the documents: one table look, one way to say "nothing". */

export const headerRow = (...labels: string[]): TableCell[] =>
  labels.map((text) => ({ text, style: 'tableHeader' }));

export const right = (text: string, bold = false): TableCell => ({
  text,
  alignment: 'right',
  bold,
});

export const none = (text: string): Content => ({ text, style: 'muted', margin: [0, 0, 0, 4] });

export const heading = (text: string): Content => ({ text, style: 'heading' });

export function table(widths: (string | number)[], body: TableCell[][]): Content {
  return {
    table: { headerRows: 1, widths, body, dontBreakRows: true },
    layout: 'lightHorizontalLines',
    fontSize: 8.5,
    margin: [0, 0, 0, 4],
  };
}

/** Label/value pairs without borders, e.g. the header facts of a document. */
export function facts(rows: readonly (readonly [string, Content])[], labelWidth = 150): Content {
  return {
    table: {
      widths: [labelWidth, '*'],
      body: rows.map(([label, value]) => [{ text: label, style: 'muted' }, value]),
    },
    layout: 'noBorders',
    margin: [0, 0, 0, 4],
  };
}

/**
 * Up to this many rows a section moves whole to the next page rather than leave its heading
 * alone at the bottom; about 25 rows of 8,5 pt fit well within an A4 page, so an unbreakable block
 * never outgrows one. Longer sections break normally (pdfmake's own keep-with-next option,
 * pageBreakBefore, lays the whole document out again for every break it asks for).
 */
const keepTogetherRows = 25;

export const keepTogether = (body: Content[], rows: number): Content[] =>
  rows <= keepTogetherRows ? [{ stack: body, unbreakable: true }] : body;

export const section = (title: string, body: Content[], rows = 0): Content[] =>
  keepTogether([heading(title), ...body], rows);
