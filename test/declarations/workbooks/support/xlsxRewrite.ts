import { strFromU8, unzipSync } from 'fflate';
import { rewrite } from './workbookFixtures.js';

/**
 * Edits of the XML of workbooks we made ourselves, to imitate what Excel and LibreOffice write
 * (formulas with cached values, inline and rich strings, prefixed elements, 1904 dates) and to
 * make broken files.
 */

/** Sheet name → part path, from workbook.xml and its relationships. */
export function sheetPaths(xlsx: Uint8Array): Map<string, string> {
  const parts = unzipSync(xlsx, {
    filter: (f) => f.name.startsWith('xl/') && !f.name.includes('worksheets/'),
  });
  const rels = strFromU8(parts['xl/_rels/workbook.xml.rels'] ?? new Uint8Array());
  const workbook = strFromU8(parts['xl/workbook.xml'] ?? new Uint8Array());
  const targets = new Map(
    [...rels.matchAll(/Id="(\w+)"[^>]*Target="([^"]+)"/g)].map((m) => [m[1], `xl/${m[2]}`]),
  );
  return new Map(
    [...workbook.matchAll(/<sheet [^>]*name="([^"]+)"[^>]*r:id="(\w+)"/g)].map((m) => [
      m[1] ?? '',
      targets.get(m[2] ?? '') ?? '',
    ]),
  );
}

/** Replaces the cell `ref` (which must exist) with `cellXml`. */
export function replaceCell(xml: string, ref: string, cellXml: string): string {
  const pattern = new RegExp(`<c r="${ref}"(?: [^>]*?)?(?:/>|>.*?</c>)`);
  if (!pattern.test(xml)) throw new Error(`no cell ${ref}`);
  return xml.replace(pattern, cellXml);
}

/** Style index of the cell `ref`. */
export const styleOf = (xml: string, ref: string): string =>
  new RegExp(`<c r="${ref}" s="(\\d+)"`).exec(xml)?.[1] ?? '0';

/** Edits the XML of the named sheets. */
export function editSheets(
  xlsx: Uint8Array,
  edits: Record<string, (xml: string) => string>,
): Buffer {
  const paths = sheetPaths(xlsx);
  const byPath = new Map(Object.entries(edits).map(([name, edit]) => [paths.get(name), edit]));
  return rewrite(xlsx, (path, xml) => byPath.get(path)?.(xml) ?? xml);
}

/** Sets cells by raw XML: `{ Sheet: { G2: '<f>E2-D2</f><v>3500</v>' } }`, keeping the style. */
export function setRawCells(
  xlsx: Uint8Array,
  cells: Record<string, Record<string, string>>,
): Buffer {
  const edits = Object.fromEntries(
    Object.entries(cells).map(([sheet, byRef]) => [
      sheet,
      (xml: string) =>
        Object.entries(byRef).reduce((text, [ref, inner]) => {
          const [type, content] = inner.startsWith('t=') ? inner.split('|') : ['', inner];
          const attrs = `r="${ref}" s="${styleOf(text, ref)}"${type ? ` ${type}` : ''}`;
          return replaceCell(text, ref, `<c ${attrs}>${content}</c>`);
        }, xml),
    ]),
  );
  return editSheets(xlsx, edits);
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Every shared-string cell becomes an inline string; the shared-strings part goes away. */
export function inlineAllStrings(xlsx: Uint8Array): Buffer {
  const parts = unzipSync(xlsx, { filter: (f) => f.name === 'xl/sharedStrings.xml' });
  const table = strFromU8(parts['xl/sharedStrings.xml'] ?? new Uint8Array());
  const strings = [...table.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => m[1] ?? '');
  return rewrite(xlsx, (path, xml) => {
    if (path === 'xl/sharedStrings.xml') return null;
    if (path === '[Content_Types].xml')
      return xml.replace(/<Override PartName="\/xl\/sharedStrings.xml"[^>]*\/>/, '');
    if (path === 'xl/_rels/workbook.xml.rels')
      return xml.replace(/<Relationship [^>]*sharedStrings[^>]*\/>/, '');
    if (!path.startsWith('xl/worksheets/')) return xml;
    return xml.replace(
      /<c ([^>]*?) t="s"><v>(\d+)<\/v><\/c>/g,
      (_, attrs: string, index: string) =>
        `<c ${attrs} t="inlineStr"><is>${strings[Number(index)] ?? ''}</is></c>`,
    );
  });
}

/** Gives every element of a part the `x:` prefix, as the Open XML SDK may write it. */
export const prefixElements = (xml: string): string =>
  xml
    .replace(/<(\/?)([a-zA-Z][\w]*)(?=[\s>/])/g, '<$1x:$2')
    .replace(/<x:worksheet xmlns="/, '<x:worksheet xmlns:x="');

export const inlineText = (text: string): string => `t="inlineStr"|<is><t>${escape(text)}</t></is>`;
