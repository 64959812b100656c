import type { WorkbookLimits } from './limits.js';
import { refuse } from './refusal.js';
import { StringItem } from './stringItem.js';
import type { XmlHandler } from './xmlPart.js';

/** A cell as written: its value is resolved once the shared strings and styles are known. */
export interface RawCell {
  readonly row: number;
  readonly column: number;
  /** `t`: n, s, str, b, e, d or inlineStr. */
  readonly type: string;
  /** `s`: the index of its cell style. */
  readonly style: number;
  /** The text of `<v>`, or of `<is>` for an inline string ('' for a formula never calculated). */
  readonly value: string;
  /** Written as a formula (`<f>`): `value` is its cached result, if any. */
  readonly formula: boolean;
}

/** Cells holding a value, counted across every sheet of one workbook. */
export interface CellCount {
  cells: number;
}

interface OpenCell {
  readonly type: string;
  readonly style: number;
  value: string | null;
  formula: boolean;
}

const columnIndex = (letters: string): number =>
  [...letters].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0);

/**
 * A worksheet part (any XML part of `xl/` whose root is `<worksheet>`; others are skipped at their
 * root). Rows and cells without an `r` attribute follow the previous ones, as the format allows.
 * Rows and cells holding a value are counted as they close, against the limits.
 */
export class WorksheetReader implements XmlHandler {
  readonly cells: RawCell[] = [];
  isWorksheet = false;
  private root = true;
  private row = 0;
  private inRow = false;
  private column = 0;
  private rowValued = false;
  private valuedRows = 0;
  private cell: OpenCell | null = null;
  private inValue = false;
  private inInline = false;
  private readonly inline: StringItem;

  constructor(
    readonly part: string,
    private readonly limits: WorkbookLimits,
    private readonly count: CellCount,
  ) {
    this.inline = new StringItem(limits.maxStringLength);
  }

  open(name: string, attributes: Readonly<Record<string, string>>): void | 'skip' {
    if (this.root) {
      this.root = false;
      this.isWorksheet = name === 'worksheet';
      return this.isWorksheet ? undefined : 'skip';
    }
    if (name === 'row') return this.openRow(attributes.r);
    if (name === 'c' && this.inRow) return this.openCell(attributes);
    if (!this.cell) return;
    if (name === 'f') this.cell.formula = true;
    else if (name === 'v' && this.cell.type !== 'inlineStr') {
      this.inValue = true;
      this.cell.value = '';
    } else if (name === 'is' && this.cell.type === 'inlineStr') this.inInline = true;
    else if (this.inInline) this.inline.open(name);
  }

  text(text: string): void {
    if (this.inValue && this.cell) {
      this.cell.value = (this.cell.value ?? '') + text;
      if (this.cell.value.length > this.limits.maxStringLength)
        refuse({ kind: 'limit', limit: 'stringLength' });
    } else if (this.inInline) this.inline.add(text);
  }

  close(name: string): void {
    if (name === 'v') this.inValue = false;
    else if (name === 'is' && this.inInline && this.cell) {
      this.inInline = false;
      this.cell.value = this.inline.take();
    } else if (this.inInline) this.inline.close(name);
    else if (name === 'c') this.closeCell();
    else if (name === 'row') this.closeRow();
  }

  private openRow(r: string | undefined): void {
    const number = Number(r);
    this.row = Number.isInteger(number) && number > 0 ? number : this.row + 1;
    this.inRow = true;
    this.column = 0;
    this.rowValued = false;
  }

  private openCell(attributes: Readonly<Record<string, string>>): void {
    const ref = /^([A-Z]{1,3})\d+$/.exec(attributes.r ?? '');
    this.column = ref ? columnIndex(ref[1] ?? '') : this.column + 1;
    this.cell = {
      type: attributes.t ?? 'n',
      style: Number(attributes.s ?? 0),
      value: null,
      formula: false,
    };
  }

  private closeCell(): void {
    const cell = this.cell;
    this.cell = null;
    if (!cell) return;
    const valued = cell.value != null && cell.value.trim() !== '';
    // A formula with no result yet holds no value, but a reader that refuses formulas sees it.
    if (!valued && !cell.formula) return;
    if (++this.count.cells > this.limits.maxCells) refuse({ kind: 'limit', limit: 'cells' });
    this.cells.push({ row: this.row, column: this.column, ...cell, value: cell.value ?? '' });
    if (valued) this.rowValued = true;
  }

  private closeRow(): void {
    this.inRow = false;
    if (this.rowValued && ++this.valuedRows > this.limits.maxRowsPerSheet)
      refuse({ kind: 'limit', limit: 'rows', part: this.part });
  }
}
