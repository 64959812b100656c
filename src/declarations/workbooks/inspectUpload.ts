import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { uploadLimits } from './limits.js';
import { checkMetadata, missingMetadata } from './metadataIssues.js';
import { openWorkbook, type OpenedWorkbook } from './openWorkbook.js';
import { METADATA_SHEET, type ExpectedWorkbook, type WorkbookKind } from './templateContext.js';
import { readMetadata } from './templateMetadata.js';
import { refusalIssue } from './zipIssues.js';

/** A workbook that passed inspection: its cells, ready to be read field by field. */
export type InspectedWorkbook = OpenedWorkbook;

export interface Inspection {
  readonly workbook: InspectedWorkbook | null;
  readonly issues: readonly WorkbookIssue[];
}

/** An upload read once: the workbook, or the issue that refuses the file itself (it is not kept). */
export interface OpenedUpload extends Inspection {
  readonly kind: WorkbookKind;
}

/** The bytes of an upload, or the upload already opened earlier in the same request. */
export type UploadSource = Uint8Array | OpenedUpload;

/**
 * Whether the bytes are a workbook the portal can open at all, whatever template it is: not empty,
 * a sound zip of a sane size, a workbook without macros, links or objects, every sheet of a
 * readable size. A wrong template or wrong cells are for the validation to name; it takes the
 * opened upload, so that the file is parsed once.
 */
export async function openUpload(bytes: Uint8Array, kind: WorkbookKind): Promise<OpenedUpload> {
  const opening = await openWorkbook(bytes, uploadLimits);
  return opening.workbook
    ? { kind, workbook: opening.workbook, issues: [] }
    : { kind, workbook: null, issues: [refusalIssue(kind, opening.refusal, uploadLimits)] };
}

/**
 * Everything that can be said about an upload without trusting it: an opened workbook, then
 * whether it is the expected template (hidden metadata sheet). Never throws on any input.
 */
export async function inspectUpload(
  source: UploadSource,
  expected: ExpectedWorkbook,
): Promise<Inspection> {
  const opened = source instanceof Uint8Array ? await openUpload(source, expected.kind) : source;
  const { workbook } = opened;
  if (!workbook) return { workbook: null, issues: opened.issues };
  const metadataSheet = workbook.sheets.get(METADATA_SHEET);
  const metadata = metadataSheet ? readMetadata(metadataSheet) : null;
  if (!metadata) return { workbook: null, issues: [missingMetadata(expected)] };
  const issues = checkMetadata(metadata, expected);
  return issues.length > 0 ? { workbook: null, issues } : { workbook, issues: [] };
}
