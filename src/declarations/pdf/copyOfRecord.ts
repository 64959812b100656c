import { tariffEstimateSection } from './tariffEstimateSection.js';
import type { TariffEstimateView } from '../tariffEstimateView.js';
import type { Content } from 'pdfmake/interfaces.js';
import type { ParameterLimit } from '../../../domain/campaigns/campaignSettings.js';
import type { Certification } from '../../../domain/declarations/certification.js';
import type { Correction } from '../../../domain/declarations/correctDeclaration.js';
import type {
  AnalysesFigures,
  ChecklistAnswer,
  DeclarationFigures,
  WorkbookIssue,
} from '../../../domain/declarations/declarationFigures.js';
import { analysesSection } from './analysesSection.js';
import { checklistSection } from './checklistSection.js';
import { figuresSections } from './figuresSections.js';
import { formatDate } from '../../../domain/shared/italianDate.js';
import { formatRomeDateTime } from './italianFormat.js';
import { facts } from './pdfBlocks.js';
import { fixedDocumentDate, pageFooter, renderPdf } from './pdfRenderer.js';
import { registrySection, type RegistryEntry } from './registrySection.js';
import { filesSection, type SubmittedFile, warningsSection } from './submissionSections.js';

export type { SubmittedFile } from './submissionSections.js';

export interface CopyOfRecordInput {
  /** preview: before sending, marked as such and without protocol number. */
  readonly mode: 'preview' | 'record';
  /** e.g. '2026/000123'; required for a record. */
  readonly protocolNumber: string | null;
  /** ISO instant of receipt; required for a record, printed in Italian time. */
  readonly receivedAt: string | null;
  readonly utilityName: string;
  readonly declarant: {
    readonly name: string;
    readonly username: string;
    readonly email: string;
    readonly kind: 'ditta' | 'studio';
  };
  readonly notificationEmail: string;
  /** ISO date of the campaign's deadline. */
  readonly deadline: string;
  readonly late: boolean;
  readonly figures: DeclarationFigures;
  readonly analyses: AnalysesFigures | null;
  /** The risk-factor check-list's answers, null when none was uploaded. */
  readonly checklist: readonly ChecklistAnswer[] | null;
  readonly limits: readonly ParameterLimit[];
  readonly files: readonly SubmittedFile[];
  readonly warningsAcknowledged: readonly WorkbookIssue[];
  /** The self-declaration made at INVIA; null in a preview and in filings made before it. */
  readonly certification: Certification | null;
  /** A correction: the protocol number it replaces and why; null for a first version. */
  readonly corrects: Correction | null;
  /** Where the submission stands in the signed log; absent in a preview. */
  readonly registry?: RegistryEntry;
  /** The yearly charge estimated from the declared figures; null without the campaign's tariff. */
  readonly tariffEstimate: TariffEstimateView | null;
}

export const previewBanner = 'ANTEPRIMA — non ancora inviata';

const declarantKinds: Record<CopyOfRecordInput['declarant']['kind'], string> = {
  ditta: 'referente della ditta',
  studio: 'studio di consulenza per conto della ditta',
};

function receipt(input: CopyOfRecordInput): Content[] {
  const timing = input.late
    ? { text: `Presentata oltre il termine del ${formatDate(input.deadline)}`, bold: true }
    : { text: `Entro il termine del ${formatDate(input.deadline)}` };
  if (input.mode === 'preview' || !input.protocolNumber || !input.receivedAt)
    return [
      { text: previewBanner, style: 'banner', margin: [0, 4, 0, 4] },
      {
        text: 'Documento di controllo: non ha numero di protocollo e non vale come ricevuta. Per presentare la dichiarazione premere «Invia».',
        alignment: 'center',
        margin: [0, 0, 0, 6],
      },
      facts(undefined, [['Termine di presentazione', timing]]),
    ];
  return [
    facts(undefined, [
      ['Numero di protocollo', { text: input.protocolNumber, bold: true, fontSize: 12 }],
      [
        'Ricevuta il',
        { text: `${formatRomeDateTime(input.receivedAt)} (ora italiana)`, bold: true },
      ],
      ['Ricevuta da', input.utilityName],
      ['Termine di presentazione', timing],
      ...(input.corrects
        ? ([
            [
              'Rettifica',
              {
                text: `Sostituisce la dichiarazione protocollo ${input.corrects.replaces}`,
                bold: true,
              },
            ],
            ['Motivo della rettifica', input.corrects.reason],
          ] as const)
        : []),
    ]),
  ];
}

function parties(input: CopyOfRecordInput): Content[] {
  const { declarant, figures } = input;
  return [
    facts('Dichiarante', [
      ['Presentata da', `${declarant.name} (utente ${declarant.username})`],
      ['In qualità di', declarantKinds[declarant.kind]],
      ['E-mail dell’utente', declarant.email],
      ['E-mail di notifica', input.notificationEmail],
    ]),
    facts('Ditta, contratto e insediamento', [
      ['Ragione sociale', { text: figures.companyName, bold: true }],
      ['Codice cliente', figures.customerCode],
      ['Contratto di scarico n.', figures.contractNumber],
      ['Insediamento', figures.plantAddress],
      ['Anno di riferimento', String(figures.year)],
    ]),
  ];
}

/** The self-declaration as certified, word for word, with who made it and when. */
function certificationSection(certification: Certification): Content[] {
  return [
    facts('Dichiarazione sostitutiva (artt. 46 e 47 del D.P.R. 445/2000)', [
      ['Resa da', { text: certification.certifiedBy, bold: true }],
      [
        'In qualità di',
        certification.onBehalf ? 'consulente, per conto della ditta' : 'incaricato della ditta',
      ],
      ['Legale rappresentante', certification.legalRepresentative],
      [
        'Confermata con la password',
        `${formatRomeDateTime(certification.confirmedAt)} (ora italiana)`,
      ],
      ['Testo', { text: certification.text, italics: true }],
      ['Versione del testo', certification.version],
    ]),
  ];
}

/**
 * The copy of record of a declaration: everything declared, the warnings accepted and the files
 * with their hashes. Rendered once at receipt and stored; the same input gives the same bytes, so
 * rendering it again proves the stored copy was not altered.
 */
export async function renderCopyOfRecord(input: CopyOfRecordInput): Promise<Buffer> {
  const record = input.mode === 'record';
  if (record && (!input.protocolNumber || !input.receivedAt))
    throw new Error('A copy of record needs its protocol number and time of receipt.');
  const title = `Dichiarazione annuale degli scarichi industriali — anno ${input.figures.year}`;
  const footer = record
    ? `Protocollo ${input.protocolNumber} · ${input.figures.companyName} · contratto ${input.figures.contractNumber}`
    : `${previewBanner} · ${input.figures.companyName} · contratto ${input.figures.contractNumber}`;
  return renderPdf(
    {
      content: [
        { text: title, style: 'title' },
        {
          text: record ? 'Copia conforme a quanto ricevuto' : 'Copia di controllo prima dell’invio',
          style: 'subtitle',
        },
        ...receipt(input),
        ...parties(input),
        ...(record && input.certification ? certificationSection(input.certification) : []),
        ...figuresSections(input.figures),
        ...analysesSection(input.analyses, input.limits),
        ...(input.tariffEstimate ? tariffEstimateSection(input.tariffEstimate) : []),
        checklistSection(input.checklist),
        warningsSection(input.warningsAcknowledged),
        ...filesSection(input.files),
        ...(record && input.registry ? registrySection(input.registry) : []),
      ],
      footer: pageFooter(footer),
      watermark: record
        ? undefined
        : { text: 'ANTEPRIMA', font: 'Titillium', opacity: 0.08, bold: true },
    },
    {
      title,
      subject: record ? `Protocollo ${input.protocolNumber}` : previewBanner,
      date: record && input.receivedAt ? new Date(input.receivedAt) : fixedDocumentDate,
    },
  );
}
