import { refuse } from './refusal.js';

/** OOXML's escape of characters XML cannot hold, as in `_x000D_`. */
export const unescapeOoxml = (text: string): string =>
  !text.includes('_x')
    ? text
    : text.replace(/_x([0-9a-fA-F]{4})_/g, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );

/**
 * The text of a string item, shared (`<si>`) or inline (`<is>`): plain, or rich text made of
 * runs, each `<t>`; phonetic guides (`<rPh>`) are not part of the text.
 */
export class StringItem {
  private text = '';
  private inRun = false;
  private phonetic = 0;

  constructor(private readonly maxLength: number) {}

  open(name: string): void {
    if (name === 'rPh') this.phonetic++;
    else if (name === 't') this.inRun = true;
  }

  close(name: string): void {
    if (name === 'rPh') this.phonetic = Math.max(0, this.phonetic - 1);
    else if (name === 't') this.inRun = false;
  }

  add(text: string): void {
    if (!this.inRun || this.phonetic > 0) return;
    this.text += text;
    if (this.text.length > this.maxLength) refuse({ kind: 'limit', limit: 'stringLength' });
  }

  /** The item's text; the collector is ready for the next item. */
  take(): string {
    const text = unescapeOoxml(this.text);
    this.text = '';
    this.inRun = false;
    this.phonetic = 0;
    return text;
  }
}
