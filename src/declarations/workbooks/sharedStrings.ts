import type { WorkbookLimits } from './limits.js';
import { refuse } from './refusal.js';
import { StringItem } from './stringItem.js';
import type { XmlHandler } from './xmlPart.js';

/**
 * `xl/sharedStrings.xml`: the table that text cells point into. Items are counted as they open,
 * so a table of millions of items, closed or not, stops at the limit.
 */
export class SharedStringsReader implements XmlHandler {
  readonly strings: string[] = [];
  private readonly item: StringItem;
  private items = 0;
  private inItem = false;

  constructor(private readonly limits: WorkbookLimits) {
    this.item = new StringItem(limits.maxStringLength);
  }

  open(name: string): void {
    if (name !== 'si') {
      if (this.inItem) this.item.open(name);
      return;
    }
    if (++this.items > this.limits.maxSharedStrings) refuse({ kind: 'limit', limit: 'strings' });
    this.inItem = true;
  }

  text(text: string): void {
    if (this.inItem) this.item.add(text);
  }

  close(name: string): void {
    if (name !== 'si') {
      if (this.inItem) this.item.close(name);
      return;
    }
    this.strings.push(this.item.take());
    this.inItem = false;
  }
}
