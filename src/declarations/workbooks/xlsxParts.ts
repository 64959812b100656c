import { attribute, type XmlHandler } from './xmlPart.js';

/** The workbook-level parts of an xlsx: which sheets, where, and the date system; the styles. */

interface SheetRef {
  readonly name: string;
  /** The relationship that leads to its part. */
  readonly id: string;
}

/** `xl/workbook.xml`: the sheets in their order, and the date system. */
export class WorkbookReader implements XmlHandler {
  readonly sheets: SheetRef[] = [];
  date1904 = false;

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    if (name === 'workbookPr') {
      this.date1904 = ['1', 'true'].includes(attributes.date1904 ?? '');
    } else if (name === 'sheet') {
      const id = attribute(attributes, 'id');
      if (id && attributes.name) this.sheets.push({ name: attributes.name, id });
    }
  }
}

/** `xl/_rels/workbook.xml.rels`: relationship id → path inside the zip. */
export class RelationshipsReader implements XmlHandler {
  readonly targets = new Map<string, string>();

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    const { Id: id, Target: target } = attributes;
    if (name !== 'Relationship' || !id || !target) return;
    const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    this.targets.set(id, path.replace(/\/\.\//g, '/'));
  }
}

// Built-in number formats that show a date (ECMA-376 18.8.30 and the usual locale ones).
const BUILT_IN_DATES = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58,
]);

/** Excel's own limit: a longer code is not Excel's, and would cost the patterns below dearly. */
const MAX_FORMAT_CODE = 255;

/** A format code shows a date when, outside quotes, escapes and [colours], it has d, m, y, h or s. */
export function isDateFormatCode(code: string): boolean {
  if (code.length > MAX_FORMAT_CODE) return false;
  const bare = code.replace(/"[^"]*"|\\.|\[[^\]]*\]|_.|\*./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** `xl/styles.xml`: for each cell style (xf of cellXfs), does it format numbers as dates? */
export class StylesReader implements XmlHandler {
  private readonly customFormats = new Map<number, string>();
  private readonly formatIds: number[] = [];
  private inCellXfs = false;

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    if (name === 'numFmt') {
      this.customFormats.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
    } else if (name === 'cellXfs') this.inCellXfs = true;
    else if (name === 'xf' && this.inCellXfs) this.formatIds.push(Number(attributes.numFmtId ?? 0));
  }

  close(name: string): void {
    if (name === 'cellXfs') this.inCellXfs = false;
  }

  /** Read once every part is in: custom formats may come after the styles that use them. */
  dateStyles(): boolean[] {
    return this.formatIds.map((id) => {
      const custom = this.customFormats.get(id);
      return custom === undefined ? BUILT_IN_DATES.has(id) : isDateFormatCode(custom);
    });
  }
}
