import { createHash } from 'node:crypto';
import { sewerLimits, standardTariff } from '../../../domain/campaigns/defaultCampaignSettings.js';
import { tariffEstimateView } from '../../../src/declarations/tariffEstimateView.js';
import type { AnalysisResult } from '../../../domain/declarations/declarationFigures.js';
import {
  certificationText,
  certificationVersion,
} from '../../../domain/declarations/certification.js';
import type { CopyOfRecordInput } from '../../../src/declarations/pdf/copyOfRecord.js';
import { checklistQuestions } from '../../../src/declarations/workbooks/checklistLayout.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const analysis = (parameter: string, unit: string, value: number): AnalysisResult => ({
  sampledOn: '2025-11-12',
  laboratory: 'Laboratorio Analisi Ambientali S.r.l.',
  reportNumber: 'RP-2025/4471',
  parameter,
  unit,
  value,
});

/** Twenty results, one above its limit (COD 620 against 500 mg/l). */
const results: AnalysisResult[] = [
  analysis('PH', 'unità pH', 7.4),
  analysis('SST', 'mg/l', 85),
  analysis('BOD5', 'mg/l', 190),
  analysis('COD', 'mg/l', 620),
  analysis('AL', 'mg/l', 0.4),
  analysis('CR', 'mg/l', 0.05),
  analysis('FE', 'mg/l', 1.2),
  analysis('MN', 'mg/l', 0.3),
  analysis('NI', 'mg/l', 0.08),
  analysis('PB', 'mg/l', 0.02),
  analysis('CU', 'mg/l', 0.11),
  analysis('ZN', 'mg/l', 0.6),
  analysis('SO4', 'mg/l', 320),
  analysis('CL', 'mg/l', 410),
  analysis('P', 'mg/l', 3.1),
  analysis('NH4', 'mg/l', 12),
  analysis('NO3', 'mg/l', 8.5),
  analysis('GRASSI', 'mg/l', 14),
  analysis('IDROCARBURI', 'mg/l', 1.1),
  analysis('TENSIOATTIVI', 'mg/l', 2.2),
];

const file = (slot: string, filename: string, size: number, description: string | null = null) => ({
  slot,
  filename,
  size,
  sha256: sha256(filename),
  description,
});

/** A typical declaration: 5 sources, 3 discharge meters, 4 deductions, 20 analyses, 6 files. */
export const typicalCopyOfRecord: CopyOfRecordInput = {
  mode: 'record',
  protocolNumber: '2026/000123',
  receivedAt: '2026-01-15T09:23:45.000Z',
  utilityName: 'Servizio Idrico Integrato',
  declarant: {
    name: 'Niccolò Bellò',
    username: 'nbello',
    email: 'niccolo.bello@tintoria-esempio.it',
    kind: 'studio',
  },
  notificationEmail: 'ambiente@tintoria-esempio.it',
  deadline: '2026-01-31',
  late: false,
  figures: {
    year: 2025,
    contractNumber: '4000123456',
    customerCode: '1000987654',
    companyName: 'Tintoria Città di Forlì S.p.A.',
    plantAddress: 'Via dell’Industria 12, 47122 Forlì (FC)',
    waterSources: [
      {
        kind: 'acquedotto',
        identifier: '1000987654',
        meterSerial: 'AQ-001',
        startReading: 10_250,
        endReading: 22_730.5,
        rolledOver: false,
        volume: 12_480.5,
      },
      {
        kind: 'acquedotto',
        identifier: '1000987655',
        meterSerial: 'AQ-002',
        startReading: 3_100,
        endReading: 4_412,
        rolledOver: false,
        volume: 1_312,
      },
      {
        kind: 'pozzo',
        identifier: 'AUT-PZ-2019/88',
        meterSerial: 'PZ-17',
        startReading: 98_500,
        endReading: 4_260,
        rolledOver: true,
        volume: 5_760,
      },
      {
        kind: 'pozzo',
        identifier: 'AUT-PZ-2021/12',
        meterSerial: 'PZ-18',
        startReading: 500,
        endReading: 3_875.25,
        rolledOver: false,
        volume: 3_375.25,
      },
      {
        kind: 'derivazione',
        identifier: 'DER-FC-2015/7',
        meterSerial: 'DV-03',
        startReading: 0,
        endReading: 940,
        rolledOver: false,
        volume: 940,
      },
    ],
    dischargeMeters: [
      {
        meterSerial: 'SC-101',
        startReading: 40_000,
        endReading: 52_118,
        rolledOver: false,
        volume: 12_118,
      },
      {
        meterSerial: 'SC-102',
        startReading: 7_300,
        endReading: 9_950.75,
        rolledOver: false,
        volume: 2_650.75,
      },
      {
        meterSerial: 'SC-103',
        startReading: 1_200,
        endReading: 2_006,
        rolledOver: false,
        volume: 806,
      },
    ],
    deductions: [
      {
        category: 'incorporata-nel-prodotto',
        volume: 2_150,
        evidence: 'Bilancio di massa 2025',
        wasteCode: null,
      },
      {
        category: 'evaporata',
        volume: 3_410.5,
        evidence: 'Relazione tecnica perito, ottobre 2025',
        wasteCode: null,
      },
      {
        category: 'smaltita-come-rifiuto-liquido',
        volume: 1_245,
        evidence: 'Formulari FIR 2025 (38 formulari)',
        wasteCode: '16 10 02',
      },
      {
        category: 'raffreddamento-circuito-chiuso',
        volume: 887.75,
        evidence: 'Misuratore dedicato RC-1',
        wasteCode: null,
      },
    ],
    dischargedVolume: 15_574.75,
    productionDays: 231,
    notes:
      'Produzione ridotta ad agosto: l’impianto è rimasto fermo più giorni per la manutenzione della caldaia però è già ripartito; così si spiegano i volumi più bassi, perché la linea 2 è stata ferma.',
  },
  analyses: { results },
  checklist: checklistQuestions.map((question, index) => ({
    number: index + 1,
    question,
    answer: index === 2,
    notes: index === 2 ? 'Disoleatore e sedimentatore prima del pozzetto di campionamento.' : '',
  })),
  limits: sewerLimits,
  // No nitrogen among the analyses: the quality part waits for it.
  tariffEstimate: tariffEstimateView(standardTariff, sewerLimits, 15_574.75, { results }),
  files: [
    file('Dichiarazione', 'dichiarazione-2025.xlsx', 48_213),
    file('Documento d’identità', 'carta-identita-legale-rappresentante.pdf', 812_442),
    file('Analisi chimiche (Excel)', 'analisi-2025.xlsx', 21_904),
    file('Rapporto di prova', 'RP-2025-4471.pdf', 1_204_118),
    file('Check-list fattori di rischio', 'checklist-2025.xlsx', 30_117),
    file('Allegato', 'foto-contatori.zip', 6_551_203, 'Foto delle letture di inizio e fine anno'),
  ],
  corrects: null,
  certification: {
    version: certificationVersion,
    text: certificationText({
      sender: 'Niccolò Bellò',
      companyName: 'Tintoria Città di Forlì S.p.A.',
      legalRepresentative: 'Maria Teresa Ferri',
      onBehalf: true,
    }),
    legalRepresentative: 'Maria Teresa Ferri',
    certifiedBy: 'Niccolò Bellò',
    onBehalf: true,
    confirmedAt: '2026-01-15T09:23:45.000Z',
  },
  warningsAcknowledged: [
    {
      severity: 'warning',
      code: 'DischargedVolumeYearOnYear',
      file: 'dichiarazione',
      sheet: 'Dichiarazione',
      cell: 'F42',
      field: 'Volume scaricato',
      problem: 'Il volume scaricato differisce di oltre il 50% da quello dell’anno precedente.',
      fix: 'Verificare le letture o spiegare la differenza nelle note.',
    },
  ],
};
