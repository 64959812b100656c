import type { FileType } from './fileSniff.js';

/** Why a file cannot be read at all; zipIssues.ts words each one in Italian. */
export type ZipProblem =
  | 'ZipCorrupt'
  | 'ZipTooLarge'
  | 'ZipEntryTooLarge'
  | 'ZipRatio'
  | 'ZipTooManyEntries'
  | 'ZipEncrypted';

export type ActiveContent = 'macro' | 'externalLink' | 'embedded';

export type CountLimit = 'rows' | 'cells' | 'strings' | 'stringLength';

export type Refusal =
  | { readonly kind: 'empty' }
  | { readonly kind: 'notZip'; readonly type: Exclude<FileType, 'zip'> }
  | { readonly kind: 'zip'; readonly problem: ZipProblem; readonly part?: string }
  | { readonly kind: 'xml'; readonly part: string }
  | { readonly kind: 'notWorkbook'; readonly parts: ReadonlySet<string> }
  | { readonly kind: 'active'; readonly content: ActiveContent; readonly part: string }
  /** `part` is the zip path of the sheet; `sheet` its name, once the workbook part told it. */
  | {
      readonly kind: 'limit';
      readonly limit: CountLimit;
      readonly part?: string;
      readonly sheet?: string;
    };

/**
 * Thrown from deep inside the unzip and XML callbacks, so that reading stops at once; caught once,
 * where the workbook is opened.
 */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.kind);
  }
}

export const refuse = (refusal: Refusal): never => {
  throw new Refused(refusal);
};
