/**
 * The Excel side of the annual discharge declaration.
 *
 * Templates (exceljs), prefilled with what the portal knows, each with a hidden «Metadati» sheet
 * (kind, template version, year, contract, customer code) that makes an upload recognisable:
 *   declarationTemplate(ctx) · analysesTemplate(ctx) · checklistTemplate(ctx) → Promise<Buffer>
 * They are made on the render thread (src/platform/documents/renderThread.ts), uploads opened as
 * many at once as there are cores (workbookWork.ts).
 *
 * Uploads: opened once (openWorkbook: magic bytes, then one streaming pass of fflate's Unzip and
 * saxes over the parts, with every figure of limits.ts checked on the way and the event loop given
 * turns; macros, external links and embedded objects refused), then the metadata against
 * `expected`, then the cells (shared and inline strings, rich text, cached formula results, date
 * styles, 1904 dates), then the pure rules of domain/declarations (checkDeclaration,
 * checkAnalyses). Every problem is a WorkbookIssue in Italian with sheet, cell and field; nothing
 * throws on bad input. `figures` is null as soon as one issue is an error; warnings come with
 * figures. Each reader takes the bytes or the upload `openUpload` already opened.
 *   openUpload(bytes, kind)
 *   readDeclarationUpload(upload, expected, settings, previousDischargedVolume)
 *   readAnalysesUpload(upload, expected, settings)
 *   readChecklistUpload(upload, expected)
 *
 * Decisions: numbers may be numeric cells or text in Italian ("1.234,5", "1234,5") or with a
 * decimal point ("1234.5"); "1.234" alone is ambiguous and refused. Dates may be date cells,
 * serial numbers or text dd/mm/yyyy (also - or .) or yyyy-mm-dd; two-digit years are refused.
 * Formulas count by their cached value; a cached error (#DIV/0!, #REF!) is an error of that cell.
 * Roll-over and tolerances: see domain/declarations/checkDeclaration.ts.
 */
import { moduleBeside, offThread } from '../../platform/documents/renderThread.js';
import type { CellTexts } from './cellForms.js';
import type { TemplateContext } from './templateContext.js';
import type { TemplateJob } from './templateJob.js';

const onThread = offThread<TemplateJob>(
  moduleBeside(import.meta.url, 'templateJob'),
  'makeTemplate',
);

export const declarationTemplate = (ctx: TemplateContext, texts?: CellTexts): Promise<Buffer> =>
  onThread({ kind: 'dichiarazione', ctx, texts });
export const analysesTemplate = (ctx: TemplateContext, texts?: CellTexts): Promise<Buffer> =>
  onThread({ kind: 'analisi', ctx, texts });
export const checklistTemplate = (ctx: TemplateContext): Promise<Buffer> =>
  onThread({ kind: 'checklist', ctx });
export {
  inspectUpload,
  openUpload,
  type InspectedWorkbook,
  type Inspection,
  type OpenedUpload,
  type UploadSource,
} from './inspectUpload.js';
export { readChecklist, type ChecklistAnswer } from './readChecklist.js';
export {
  readAnalysesCells,
  readAnalysesUpload,
  readChecklistUpload,
  readDeclarationCells,
  readDeclarationUpload,
  type UploadReading,
} from './readUploads.js';
export type { ExpectedWorkbook, TemplateContext, WorkbookKind } from './templateContext.js';
