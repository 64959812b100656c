import type { CampaignSettings } from '../../../domain/campaigns/campaignSettings.js';
import { checkAnalyses } from '../../../domain/declarations/checkAnalyses.js';
import type { LimitOverride } from '../../../domain/campaigns/contractLimits.js';
import { checkDeclaration } from '../../../domain/declarations/checkDeclaration.js';
import type {
  AnalysesFigures,
  ChecklistAnswer,
  DeclarationFigures,
  WorkbookIssue,
} from '../../../domain/declarations/declarationFigures.js';
import { locateAnalysisFigure, locateDeclarationFigure } from './figureLocation.js';
import { hasErrors } from './issues.js';
import {
  readAnalysesSheets,
  readAnalysesWorkbook,
  type AnalysesReading,
} from './readAnalysesWorkbook.js';
import { readChecklist } from './readChecklist.js';
import {
  readDeclarationSheets,
  readDeclarationWorkbook,
  type DeclarationReading,
} from './readDeclarationWorkbook.js';
import type { InspectedWorkbook, UploadSource } from './inspectUpload.js';
import type { ExpectedWorkbook } from './templateContext.js';

/** What an upload gives: the figures (null as soon as there is one error) and every issue. */
export interface UploadReading<F> {
  readonly figures: F | null;
  readonly issues: readonly WorkbookIssue[];
}

const withChecks = <F>(figures: F, issues: readonly WorkbookIssue[]): UploadReading<F> => ({
  figures: hasErrors(issues) ? null : figures,
  issues,
});

/**
 * Inspection, cells, then the rules across figures; errors and warnings together. Each takes the
 * bytes, or the upload `openUpload` already read in this request (not parsed a second time).
 */
export async function readDeclarationUpload(
  upload: UploadSource,
  expected: ExpectedWorkbook,
  settings: CampaignSettings,
  previousDischargedVolume: number | null,
): Promise<UploadReading<DeclarationFigures>> {
  return checkedDeclaration(
    await readDeclarationWorkbook(upload, expected),
    settings,
    previousDischargedVolume,
  );
}

/** The cells of a declaration typed online, read and checked as an upload's. */
export const readDeclarationCells = (
  workbook: InspectedWorkbook,
  expected: ExpectedWorkbook,
  settings: CampaignSettings,
  previousDischargedVolume: number | null,
): UploadReading<DeclarationFigures> =>
  checkedDeclaration(readDeclarationSheets(workbook, expected), settings, previousDischargedVolume);

function checkedDeclaration(
  reading: DeclarationReading,
  settings: CampaignSettings,
  previousDischargedVolume: number | null,
): UploadReading<DeclarationFigures> {
  if (!reading.figures) return { figures: null, issues: reading.issues };
  const locate = locateDeclarationFigure(reading.rows);
  const checks = checkDeclaration(reading.figures, settings, previousDischargedVolume, locate);
  return withChecks(reading.figures, [...reading.issues, ...checks]);
}

export async function readAnalysesUpload(
  upload: UploadSource,
  expected: ExpectedWorkbook,
  settings: CampaignSettings,
  contractLimits: readonly LimitOverride[] = [],
): Promise<UploadReading<AnalysesFigures>> {
  return checkedAnalyses(
    await readAnalysesWorkbook(upload, expected, settings.limits),
    settings,
    contractLimits,
  );
}

/** The cells of the analyses typed online, read and checked as an upload's. */
export const readAnalysesCells = (
  workbook: InspectedWorkbook,
  settings: CampaignSettings,
  contractLimits: readonly LimitOverride[],
): UploadReading<AnalysesFigures> =>
  checkedAnalyses(readAnalysesSheets(workbook, settings.limits), settings, contractLimits);

function checkedAnalyses(
  reading: AnalysesReading,
  settings: CampaignSettings,
  contractLimits: readonly LimitOverride[],
): UploadReading<AnalysesFigures> {
  if (!reading.figures) return { figures: null, issues: reading.issues };
  const locate = locateAnalysisFigure(reading.rows);
  const checks = checkAnalyses(reading.figures, settings, locate, contractLimits);
  return withChecks(reading.figures, [...reading.issues, ...checks]);
}

/** The check-list is recognised and every question answered; the answers go with the declaration. */
export async function readChecklistUpload(
  upload: UploadSource,
  expected: ExpectedWorkbook,
): Promise<UploadReading<readonly ChecklistAnswer[]>> {
  const reading = await readChecklist(upload, expected);
  return { figures: reading.answers, issues: reading.issues };
}
