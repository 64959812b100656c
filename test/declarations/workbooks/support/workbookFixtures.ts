import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import {
  defaultCampaignSettings,
  sewerLimits,
} from '../../../../domain/campaigns/defaultCampaignSettings.js';
import {
  analysesTemplate,
  checklistTemplate,
  declarationTemplate,
  type ExpectedWorkbook,
  type TemplateContext,
  type WorkbookKind,
} from '../../../../src/declarations/workbooks/index.js';

/** One contract and year, the templates made for it, and filled copies with known figures. */

export const context: TemplateContext = {
  year: 2025,
  templateVersion: '2025.1',
  contractNumber: '0012345',
  customerCode: 'C-778899',
  companyName: 'Acme Ceramiche S.r.l.',
  plantAddress: 'Via dell’Industria 12, 40026 Imola (BO)',
  limits: sewerLimits,
};

export const settings = defaultCampaignSettings(2025, '2026-01-31');

export const expected = (
  kind: WorkbookKind,
  change: Partial<ExpectedWorkbook> = {},
): ExpectedWorkbook => ({
  kind,
  year: context.year,
  templateVersion: context.templateVersion,
  contractNumber: context.contractNumber,
  customerCode: context.customerCode,
  ...change,
});

/** Sheet → cell → value; null empties the cell. */
export type Edits = Record<string, Record<string, ExcelJS.CellValue>>;

const D = 'Dichiarazione';
const F = 'Fonti di approvvigionamento';
const S = 'Contatori scarico';
const T = 'Detrazioni';

export const declarationEdits: Edits = {
  [D]: { B10: 4000, B11: 230, B12: 'Nessuna variazione del ciclo produttivo.' },
  [F]: {
    A2: 'Acquedotto',
    B2: 'C-778899',
    C2: 'AQ-1001',
    D2: 12000,
    E2: 15500,
    F2: 'No',
    G2: 3500,
    A3: 'Pozzo',
    B3: 'AUT-BO-2019-77',
    C3: 'PZ-2002',
    D3: 800,
    E3: 2300,
    F3: 'No',
    G3: 1500,
  },
  [S]: { A2: 'SC-3003', B2: 100, C2: 4100, D2: 'No', E2: 4000 },
  [T]: {
    A2: 'Incorporata nel prodotto',
    B2: 600,
    C2: 'Bilancio di massa 2025',
    A3: 'Smaltita come rifiuto liquido',
    B3: 400,
    C3: 'Formulari FIR 2025',
    D3: '16 10 02',
  },
};

const day = (month: number, date: number) => new Date(Date.UTC(2025, month - 1, date));
const LAB = 'Laboratorio Analisi Emilia S.r.l.';

export const analysesEdits: Edits = {
  Analisi: {
    A2: day(10, 15),
    B2: LAB,
    C2: 'RP-2025/1234',
    D2: 'COD (mg/l)',
    E2: 'mg/l',
    F2: 320,
    A3: day(10, 15),
    B3: LAB,
    C3: 'RP-2025/1234',
    D3: 'Solidi sospesi totali (mg/l)',
    E3: 'mg/l',
    F3: 120,
    A4: day(10, 15),
    B4: LAB,
    C4: 'RP-2025/1234',
    D4: 'pH (unità pH)',
    E4: 'unità pH',
    F4: 7.2,
    A5: day(10, 15),
    B5: LAB,
    C5: 'RP-2025/1234',
    D5: 'Azoto ammoniacale (NH4) (mg/l)',
    E5: 'mg/l',
    F5: 18.5,
  },
};

export const checklistEdits: Edits = {
  'Check-list': Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`C${i + 2}`, i % 3 === 0 ? 'Sì' : 'No']),
  ),
};

export const merge = (base: Edits, change: Edits): Edits => {
  const merged: Edits = structuredClone(base);
  for (const [sheet, cells] of Object.entries(change))
    merged[sheet] = { ...merged[sheet], ...cells };
  return merged;
};

export async function fill(template: Buffer, edits: Edits): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(template as unknown as ExcelJS.Buffer);
  for (const [name, cells] of Object.entries(edits)) {
    const sheet = workbook.getWorksheet(name);
    if (!sheet) throw new Error(`no sheet ${name}`);
    for (const [ref, value] of Object.entries(cells)) sheet.getCell(ref).value = value;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const makers = {
  dichiarazione: declarationTemplate,
  analisi: analysesTemplate,
  checklist: checklistTemplate,
};
const baseEdits = {
  dichiarazione: declarationEdits,
  analisi: analysesEdits,
  checklist: checklistEdits,
};
const cache = new Map<string, Promise<Buffer>>();

/** The template of `kind` (made once per context), as the portal hands it out. */
export function template(
  kind: WorkbookKind,
  change: Partial<TemplateContext> = {},
): Promise<Buffer> {
  const ctx = { ...context, ...change };
  const key = `${kind}:${JSON.stringify(ctx)}`;
  const made = cache.get(key) ?? makers[kind](ctx);
  cache.set(key, made);
  return made;
}

/** The template of `kind`, filled with the valid figures, then `change`. */
export async function filled(
  kind: WorkbookKind,
  change: Edits = {},
  ctx: Partial<TemplateContext> = {},
): Promise<Buffer> {
  return fill(await template(kind, ctx), merge(baseEdits[kind], change));
}

/** Rewrites parts of an xlsx we made ourselves (trusted, so plain unzipSync is fine). */
export function rewrite(
  xlsx: Uint8Array,
  change: (path: string, xml: string) => string | null,
): Buffer {
  const parts = unzipSync(xlsx);
  const out: Record<string, Uint8Array> = {};
  for (const [path, bytes] of Object.entries(parts)) {
    const text = path.endsWith('.xml') || path.endsWith('.rels') ? strFromU8(bytes) : null;
    const changed = text === null ? bytes : change(path, text);
    if (changed !== null) out[path] = typeof changed === 'string' ? strToU8(changed) : changed;
  }
  return Buffer.from(zipSync(out));
}

export const fixturePath = (name: string): string =>
  new URL(`../../../fixtures/workbooks/${name}`, import.meta.url).pathname;

export const fixture = (name: string): Buffer => readFileSync(fixturePath(name));
