/**
 * Just enough XML for SpreadsheetML parts: attributes, entities and the text runs of a string
 * item. Element names may carry a namespace prefix (`<x:c>`), which some producers write.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function fromCodePoint(code: number): string {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
}

/** Entities, then the OOXML escapes of control characters (`_x000D_`). */
export function decodeXml(raw: string): string {
  const text = !raw.includes('&')
    ? raw
    : raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
        if (name.startsWith('#x')) return fromCodePoint(parseInt(name.slice(2), 16));
        if (name.startsWith('#')) return fromCodePoint(parseInt(name.slice(1), 10));
        return ENTITIES[name] ?? whole;
      });
  return !text.includes('_x')
    ? text
    : text.replace(/_x([0-9a-fA-F]{4})_/g, (_, hex: string) => fromCodePoint(parseInt(hex, 16)));
}

/** Attributes of a start tag, by local name (`r:id` is also found as `id`). */
export function attributes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const name = match[1] ?? '';
    const value = decodeXml(match[2] ?? match[3] ?? '');
    found.set(name, value);
    const colon = name.indexOf(':');
    if (colon >= 0 && !found.has(name.slice(colon + 1))) found.set(name.slice(colon + 1), value);
  }
  return found;
}

/** `<x:name …>…</x:name>` and `<name …/>`: group 1 the attributes, group 2 the content. */
export const elementPattern = (name: string): RegExp =>
  new RegExp(`<(?:\\w+:)?${name}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</(?:\\w+:)?${name}>)`, 'g');

const PHONETIC = /<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g;
const TEXT_RUN = /<(?:\w+:)?t\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?t>)/g;

/** The text of a shared-string item or an inline string: plain, or rich text made of runs. */
export function stringItemText(fragment: string): string {
  let text = '';
  for (const match of fragment.replace(PHONETIC, '').matchAll(TEXT_RUN)) text += match[1] ?? '';
  return decodeXml(text);
}
