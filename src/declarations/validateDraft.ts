import type { Kysely } from 'kysely';
import type { DeclarationContent, FileSlot } from '../../domain/declarations/declarationEvents.js';
import type { DeclarationFile } from '../../domain/declarations/declarationEvents.js';
import type { WorkbookIssue } from '../../domain/declarations/declarationFigures.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import { versionsOfYear } from '../../domain/declarations/declarationVersions.js';
import type { Schema } from '../platform/db/schema.js';
import { readDocument } from '../platform/documents/documentStore.js';
import type { DeclarationTarget } from './declarationAccess.js';
import {
  readAnalysesUpload,
  readChecklistUpload,
  readDeclarationUpload,
  type UploadSource,
  type WorkbookKind,
} from './workbooks/index.js';
import { expectedWorkbook } from './templateContextOf.js';

export interface DraftValidation {
  /** Errors and warnings of every workbook in the draft. */
  readonly issues: readonly WorkbookIssue[];
  /** What DeclarationPrepared keeps, or null while an error remains. */
  readonly content: Omit<DeclarationContent, 'notificationEmail'> | null;
}

/**
 * Last year's declared volume, in force: a figure far from it is a warning. From the contract's
 * stream, as the rules read it, not from a view that may be catching up.
 */
export const previousVolume = (target: DeclarationTarget): number | null =>
  versionsOfYear(target.events.filter(contractStream.holds), target.year - 1).at(-1)?.figures
    .dischargedVolume ?? null;

/**
 * AVANTI: the draft's workbooks read and checked together, from the documents store; those this
 * request uploaded come already opened (by SHA-256), not parsed a second time.
 */
export async function validateDraft(
  db: Kysely<Schema>,
  target: DeclarationTarget,
  files: readonly DeclarationFile[],
  opened: ReadonlyMap<string, UploadSource> = new Map(),
): Promise<DraftValidation> {
  const { settings } = target.campaign;
  const expected = (kind: WorkbookKind) => expectedWorkbook(target, kind);
  const bytes = async (slot: FileSlot): Promise<UploadSource | null> => {
    const file = files.find((f) => f.slot === slot);
    if (!file) return null;
    return opened.get(file.sha256) ?? (await readDocument(db, file.sha256))?.content ?? null;
  };
  const declarationBytes = await bytes('dichiarazione');
  if (!declarationBytes) return { issues: [], content: null };
  const declaration = await readDeclarationUpload(
    declarationBytes,
    expected('dichiarazione'),
    settings,
    previousVolume(target),
  );
  const analysesBytes = await bytes('analisi');
  const analyses = analysesBytes
    ? await readAnalysesUpload(analysesBytes, expected('analisi'), settings, target.contractLimits)
    : null;
  const checklistBytes = await bytes('checklist');
  const checklist = checklistBytes
    ? await readChecklistUpload(checklistBytes, expected('checklist'))
    : null;
  const issues = [...declaration.issues, ...(analyses?.issues ?? []), ...(checklist?.issues ?? [])];
  const failed =
    issues.some((issue) => issue.severity === 'error') ||
    !declaration.figures ||
    (analyses !== null && !analyses.figures) ||
    (checklist !== null && !checklist.figures);
  return {
    issues,
    content: failed
      ? null
      : {
          year: target.year,
          templateVersion: settings.templateVersion,
          files,
          figures: declaration.figures,
          analyses: analyses?.figures ?? null,
          checklist: checklist?.figures ?? null,
          contractLimits: target.contractLimits,
          warnings: issues.filter((issue) => issue.severity === 'warning'),
        },
  };
}
