import type { Content, CustomTableLayout, Size, TableCell } from 'pdfmake/interfaces.js';

/** Building blocks shared by the documents: one table look, one way to keep a title with its rows. */

export const right = (text: string, bold = false): TableCell => ({
  text,
  alignment: 'right',
  bold,
});

export const heading = (text: string): Content => ({ text, style: 'heading' });

/** A short block of fixed text with its heading, moved whole to the next page if need be. */
export const section = (title: string, body: Content[]): Content[] => [
  { stack: [heading(title), ...body], unbreakable: true },
];

const spanning = (cell: { text: string; style: string }, columns: number): TableCell[] => [
  { ...cell, colSpan: columns },
  ...Array.from({ length: columns - 1 }, () => ''),
];

const layout = (ruled: boolean): CustomTableLayout => ({
  hLineWidth: (i, node) => {
    const { headerRows = 0, body } = node.table;
    if (!ruled || i < headerRows || i >= body.length) return 0;
    return i === headerRows ? 1 : 0.5;
  },
  vLineWidth: () => 0,
  hLineColor: () => '#c5d0db',
  paddingLeft: (i) => (i === 0 ? 0 : 6),
  paddingRight: (i, node) => {
    const { widths } = node.table;
    return Array.isArray(widths) && i === widths.length - 1 ? 0 : 6;
  },
});

export interface TitledTable {
  readonly title?: string;
  /** A line under the title, e.g. which laboratory report the rows come from. */
  readonly caption?: string;
  readonly widths: Size[];
  /** Column labels; none for label/value pairs. */
  readonly columns?: readonly string[];
  readonly rows: TableCell[][];
  /** Said in place of the rows when there are none. */
  readonly empty?: string;
}

/**
 * A table whose title, caption and column labels are its header rows: pdfmake repeats them on
 * every page the table spans and keeps them with the first row, so a heading is never left alone
 * at the bottom of a page (pdfmake's pageBreakBefore would lay the document out again per break).
 */
export function titledTable(spec: TitledTable): Content {
  const count = spec.widths.length;
  const header: TableCell[][] = [
    ...(spec.title ? [spanning({ text: spec.title, style: 'heading' }, count)] : []),
    ...(spec.caption ? [spanning({ text: spec.caption, style: 'caption' }, count)] : []),
    ...(spec.columns ? [spec.columns.map((text) => ({ text, style: 'tableHeader' }))] : []),
  ];
  const rows =
    spec.rows.length > 0 || !spec.empty
      ? spec.rows
      : [spanning({ text: spec.empty, style: 'muted' }, count)];
  return {
    table: {
      headerRows: header.length,
      keepWithHeaderRows: 1,
      dontBreakRows: true,
      widths: spec.widths,
      body: [...header, ...rows],
    },
    layout: layout(spec.columns !== undefined),
    fontSize: spec.columns ? 8.5 : undefined,
    margin: [0, 0, 0, 4],
  };
}

/** Label/value pairs under a title. */
export const facts = (
  title: string | undefined,
  rows: readonly (readonly [string, Content])[],
  labelWidth = 150,
): Content =>
  titledTable({
    title,
    widths: [labelWidth, '*'],
    rows: rows.map(([label, value]) => [{ text: label, style: 'muted' }, value as TableCell]),
  });
