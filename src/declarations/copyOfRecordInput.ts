import type { ParameterLimit, TariffSettings } from '../../domain/campaigns/campaignSettings.js';
import { tariffEstimateView } from './tariffEstimateView.js';
import type { Certification } from '../../domain/declarations/certification.js';
import type { Correction } from '../../domain/declarations/correctDeclaration.js';
import type { DeclarationContent, Signatory } from '../../domain/declarations/declarationEvents.js';
import type { CopyOfRecordInput } from './pdf/copyOfRecord.js';
import type { RegistryEntry } from './pdf/registrySection.js';

const slotLabels: Record<DeclarationContent['files'][number]['slot'], string> = {
  dichiarazione: 'Dichiarazione (Excel)',
  'documento-identita': "Documento d'identità Legale Rappresentante",
  analisi: 'Analisi chimiche (Excel)',
  'rapporto-di-prova': 'Rapporti di prova laboratorio',
  checklist: 'Check list fattori rischio',
  allegato: 'Allegato',
};

export const slotLabel = (slot: keyof typeof slotLabels): string => slotLabels[slot];

/** The preview of a draft and the copy of record of a submission come from the same content. */
export function copyOfRecordInput(
  content: DeclarationContent,
  filing: {
    mode: CopyOfRecordInput['mode'];
    protocolNumber: string | null;
    receivedAt: string | null;
    utilityName: string;
    signatory: Signatory;
    deadline: string;
    late: boolean;
    limits: readonly ParameterLimit[];
    /** The campaign's tariff, for the estimate; null when the campaign is not found. */
    tariff: TariffSettings | null;
    certification?: Certification | null;
    corrects?: Correction | null;
    registry?: RegistryEntry;
  },
): CopyOfRecordInput {
  const { signatory, certification, corrects, tariff, ...rest } = filing;
  return {
    ...rest,
    tariffEstimate:
      tariff &&
      tariffEstimateView(tariff, filing.limits, content.figures.dischargedVolume, content.analyses),
    certification: certification ?? null,
    corrects: corrects ?? null,
    declarant: signatory,
    notificationEmail: content.notificationEmail,
    figures: content.figures,
    analyses: content.analyses,
    checklist: content.checklist ?? null,
    files: content.files.map((file) => ({
      slot: slotLabel(file.slot),
      filename: file.filename,
      size: file.size,
      sha256: file.sha256,
      description: file.description,
    })),
    warningsAcknowledged: content.warnings,
  };
}
