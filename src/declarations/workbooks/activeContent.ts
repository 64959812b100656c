import { refuse, type ActiveContent } from './refusal.js';
import type { XmlHandler } from './xmlPart.js';

/**
 * What makes a workbook more than data: macros (VBA, Excel 4 macro sheets), links to other files
 * that Excel refreshes on opening, and embedded OLE or ActiveX objects. The portal keeps and hands
 * files on to others, so it takes none of them. Found by the part's name and, wherever a part is,
 * by its declared content type.
 */
const BY_NAME: readonly (readonly [RegExp, ActiveContent])[] = [
  [/^xl\/(.*\/)?vbaProject[^/]*\.bin$|^xl\/macrosheets\//i, 'macro'],
  [/^xl\/externalLinks\//i, 'externalLink'],
  [/^xl\/(embeddings|activeX)\/|^xl\/(.*\/)?oleObject[^/]*$/i, 'embedded'],
];

const BY_CONTENT_TYPE: readonly (readonly [RegExp, ActiveContent])[] = [
  [/macroEnabled|vbaProject|vbaData|macrosheet/i, 'macro'],
  [/externalLink/i, 'externalLink'],
  [/oleObject|activeX/i, 'embedded'],
];

const found = (rules: typeof BY_NAME, text: string) =>
  rules.find(([pattern]) => pattern.test(text))?.[1];

/** Refuses a part of the zip whose name says it is active content. */
export function refuseActivePart(name: string): void {
  const content = found(BY_NAME, name);
  if (content) refuse({ kind: 'active', content, part: name });
}

/**
 * `[Content_Types].xml`: a part declared as macros, external links or objects refuses the file.
 * A macro-enabled workbook (.xlsm) says so here even when it holds no macro yet.
 */
export class ContentTypesReader implements XmlHandler {
  open(name: string, attributes: Readonly<Record<string, string>>): void {
    if (name !== 'Override' && name !== 'Default') return;
    const content = found(BY_CONTENT_TYPE, attributes.ContentType ?? '');
    if (!content) return;
    const type = attributes.ContentType ?? '';
    const part = /macroEnabled/i.test(type)
      ? '.xlsm'
      : (attributes.PartName?.replace(/^\//, '') ?? `*.${attributes.Extension ?? ''}`);
    refuse({ kind: 'active', content, part });
  }
}
