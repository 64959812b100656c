import { SaxesParser } from 'saxes';
import type { Pace } from './pacer.js';
import { Refused } from './refusal.js';
import type { PartSink } from './zipStream.js';

/**
 * What a part's reader hears from the XML parser. Names are local: SpreadsheetML may come with a
 * prefix (`<x:c>`, as the Open XML SDK writes it) and the prefix says nothing we need.
 * `open` returns 'skip' when the rest of the part is of no interest.
 */
export interface XmlHandler {
  open(name: string, attributes: Readonly<Record<string, string>>): void | 'skip';
  text?(text: string): void;
  close?(name: string): void;
}

/** Characters handed to the parser at a time, with a pace between them. */
const SLICE = 16 * 1024;

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** The attribute by local name: `r:id` is also found as `id`. */
export function attribute(
  attributes: Readonly<Record<string, string>>,
  name: string,
): string | undefined {
  if (attributes[name] !== undefined) return attributes[name];
  const key = Object.keys(attributes).find((key) => localName(key) === name);
  return key === undefined ? undefined : attributes[key];
}

/**
 * A part fed, as it is inflated, to saxes (a maintained streaming XML parser): time linear in the
 * size of the part, whatever its shape. Badly formed XML, or elements nested deeper than
 * `maxNesting`, refuse the file, naming the part.
 */
export function xmlSink(
  part: string,
  handler: XmlHandler,
  pace: Pace,
  maxNesting: number,
): PartSink {
  const options = { xmlns: false, position: false } as const;
  const parser = new SaxesParser<typeof options>(options);
  const decoder = new TextDecoder('utf-8');
  let skipping = false;
  let depth = 0;
  // Once skipped, the handler hears nothing more, even from the rest of the slice being parsed.
  parser.on('opentag', (tag) => {
    if (++depth > maxNesting) throw new Refused({ kind: 'xml', part });
    if (!skipping && handler.open(localName(tag.name), tag.attributes) === 'skip') skipping = true;
  });
  const text = (text: string) => {
    if (!skipping) handler.text?.(text);
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', (tag) => {
    depth--;
    if (!skipping) handler.close?.(localName(tag.name));
  });
  const guarded = (action: () => void) => {
    try {
      action();
    } catch (error) {
      if (error instanceof Refused) throw error;
      throw new Refused({ kind: 'xml', part });
    }
  };
  const feed = async (text: string) => {
    for (let at = 0; at < text.length && !skipping; at += SLICE) {
      guarded(() => parser.write(text.slice(at, at + SLICE)));
      await pace();
    }
  };
  return {
    write: (bytes) =>
      skipping ? Promise.resolve() : feed(decoder.decode(bytes, { stream: true })),
    end: async () => {
      if (skipping) return;
      await feed(decoder.decode());
      if (!skipping) guarded(() => parser.close());
    },
  };
}
