import { attributes, elementPattern, stringItemText } from './xmlText.js';

/** The workbook-level parts of an xlsx: which sheets, where, hidden or not, and the date system. */

export interface SheetRef {
  readonly name: string;
  /** Path inside the zip, e.g. `xl/worksheets/sheet1.xml`. */
  readonly path: string;
  readonly hidden: boolean;
}

export interface WorkbookParts {
  readonly sheets: readonly SheetRef[];
  readonly date1904: boolean;
}

function relationshipTargets(relsXml: string): Map<string, string> {
  const targets = new Map<string, string>();
  for (const match of relsXml.matchAll(elementPattern('Relationship'))) {
    const attrs = attributes(match[1] ?? '');
    const id = attrs.get('Id');
    const target = attrs.get('Target');
    if (!id || !target) continue;
    targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  return targets;
}

export function parseWorkbook(workbookXml: string, relsXml: string): WorkbookParts {
  const targets = relationshipTargets(relsXml);
  const sheets: SheetRef[] = [];
  for (const match of workbookXml.matchAll(elementPattern('sheet'))) {
    const attrs = attributes(match[1] ?? '');
    const path = targets.get(attrs.get('r:id') ?? attrs.get('id') ?? '');
    const name = attrs.get('name');
    if (!path || !name) continue;
    const state = attrs.get('state') ?? 'visible';
    sheets.push({ name, path: path.replace(/\/\.\//g, '/'), hidden: state !== 'visible' });
  }
  const properties = /<(?:\w+:)?workbookPr\b([^>]*)>/.exec(workbookXml)?.[1] ?? '';
  const date1904 = ['1', 'true'].includes(attributes(properties).get('date1904') ?? '');
  return { sheets, date1904 };
}

export function parseSharedStrings(xml: string): string[] {
  return Array.from(xml.matchAll(elementPattern('si')), (match) => stringItemText(match[2] ?? ''));
}

// Built-in number formats that show a date (ECMA-376 18.8.30 and the usual locale ones).
const BUILT_IN_DATES = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58,
]);

/** A format code shows a date when, outside quotes, escapes and [colours], it has d, m, y, h or s. */
export function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\\.|\[[^\]]*\]|_.|\*./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** For each cell style (xf) index: does it format numbers as dates? */
export function parseDateStyles(xml: string): boolean[] {
  const customFormats = new Map<number, string>();
  for (const match of xml.matchAll(elementPattern('numFmt'))) {
    const attrs = attributes(match[1] ?? '');
    customFormats.set(Number(attrs.get('numFmtId')), attrs.get('formatCode') ?? '');
  }
  const cellXfs = /<(?:\w+:)?cellXfs\b[\s\S]*?<\/(?:\w+:)?cellXfs>/.exec(xml)?.[0] ?? '';
  return Array.from(cellXfs.matchAll(elementPattern('xf')), (match) => {
    const id = Number(attributes(match[1] ?? '').get('numFmtId') ?? 0);
    const custom = customFormats.get(id);
    return custom === undefined ? BUILT_IN_DATES.has(id) : isDateFormatCode(custom);
  });
}
