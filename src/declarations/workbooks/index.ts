/**
 * The Excel side of the annual discharge declaration.
 *
 * Templates (exceljs), prefilled with what the portal knows, each with a hidden «Metadati» sheet
 * (kind, template version, year, contract, customer code) that makes an upload recognisable:
 *   declarationTemplate(ctx) · analysesTemplate(ctx) · checklistTemplate(ctx) → Promise<Buffer>
 *
 * Uploads: inspection first (never trusts the file: magic bytes, zip central directory read by
 * hand with size, entry and ratio caps, bounded inflate, ≤ 5,000 filled rows per sheet, then the
 * metadata against `expected`), then the cells read by our own SpreadsheetML reader (shared and
 * inline strings, rich text, cached formula results, date styles, 1904 dates), then the pure rules
 * of domain/declarations (checkDeclaration, checkAnalyses). Every problem is a WorkbookIssue in
 * Italian with sheet, cell and field; nothing throws on bad input. `figures` is null as soon as
 * one issue is an error; warnings come with figures.
 *   readDeclarationUpload(buffer, expected, settings, previousDischargedVolume)
 *   readAnalysesUpload(buffer, expected, settings)
 *   readChecklistUpload(buffer, expected)
 *
 * Decisions: numbers may be numeric cells or text in Italian ("1.234,5", "1234,5") or with a
 * decimal point ("1234.5"); "1.234" alone is ambiguous and refused. Dates may be date cells,
 * serial numbers or text dd/mm/yyyy (also - or .) or yyyy-mm-dd; two-digit years are refused.
 * Formulas count by their cached value; a cached error (#DIV/0!, #REF!) is an error of that cell.
 * Roll-over and tolerances: see domain/declarations/checkDeclaration.ts.
 */
export { analysesTemplate } from './analysesTemplate.js';
export { checklistTemplate } from './checklistTemplate.js';
export { declarationTemplate } from './declarationTemplate.js';
export {
  fileIssues,
  inspectUpload,
  type InspectedWorkbook,
  type Inspection,
} from './inspectUpload.js';
export { readChecklist, type ChecklistAnswer } from './readChecklist.js';
export {
  readAnalysesUpload,
  readChecklistUpload,
  readDeclarationUpload,
  type UploadReading,
} from './readUploads.js';
export type { ExpectedWorkbook, TemplateContext, WorkbookKind } from './templateContext.js';
