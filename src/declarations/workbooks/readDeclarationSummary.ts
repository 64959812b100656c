import type { DeclarationFigures } from '../../../domain/declarations/declarationFigures.js';
import { readNumber, readText, type SheetReader } from './cellReader.js';
import { summaryFields as fields, type SummaryField } from './declarationLayout.js';
import { cellIssue } from './issues.js';
import type { ExpectedWorkbook } from './templateContext.js';

export type Summary = Omit<DeclarationFigures, 'waterSources' | 'dischargeMeters' | 'deductions'>;

/** A prefilled (grey) cell must still say what the portal wrote there. */
function prefilled(r: SheetReader, field: SummaryField, expected: string): string {
  const value = readText(r, field.cell, field.label);
  if (value !== null && value !== expected) {
    r.issues.push(
      cellIssue(
        r.file,
        { sheet: r.sheet.name, cell: field.cell, field: field.label },
        'PrefilledFieldChanged',
        `Il campo «${field.label}» riporta «${value}» invece di «${expected}».`,
        `Ripristina il valore prestampato «${expected}»: le celle grigie non vanno modificate.`,
      ),
    );
  }
  return value ?? '';
}

/** The "Dichiarazione" sheet: the contract's data and the year's totals. */
export function readSummary(r: SheetReader, expected: ExpectedWorkbook): Summary {
  const text = (field: SummaryField) => readText(r, field.cell, field.label) ?? '';
  const number = (field: SummaryField) => readNumber(r, field.cell, field.label) ?? 0;
  const companyName = text(fields.companyName);
  const customerCode = prefilled(r, fields.customerCode, expected.customerCode);
  const contractNumber = prefilled(r, fields.contractNumber, expected.contractNumber);
  const plantAddress = text(fields.plantAddress);
  const yearValue = readNumber(r, fields.year.cell, fields.year.label);
  if (yearValue !== null && yearValue !== expected.year) {
    r.issues.push(
      cellIssue(
        r.file,
        { sheet: r.sheet.name, cell: fields.year.cell, field: fields.year.label },
        'PrefilledFieldChanged',
        `Il campo «${fields.year.label}» riporta ${yearValue} invece di ${expected.year}.`,
        `Ripristina l'anno ${expected.year}: le celle grigie non vanno modificate.`,
      ),
    );
  }
  return {
    year: expected.year,
    contractNumber,
    customerCode,
    companyName,
    plantAddress,
    dischargedVolume: number(fields.dischargedVolume),
    productionDays: number(fields.productionDays),
    notes: readText(r, fields.notes.cell, fields.notes.label, false) ?? '',
  };
}
