import type { InclusionReceipt } from '../audit/treeHeads.js';
import type { LimitOverride } from '../campaigns/contractLimits.js';
import type { Certification } from './certification.js';
import type { Review } from './reviewDeclaration.js';
import type { Correction } from './correctDeclaration.js';
import type {
  AnalysesFigures,
  ChecklistAnswer,
  DeclarationFigures,
  WorkbookIssue,
} from './declarationFigures.js';

/** The uploads of a declaration: each file is kept by its SHA-256 in the document store. */
export type FileSlot =
  | 'dichiarazione'
  | 'documento-identita'
  | 'analisi'
  | 'rapporto-di-prova'
  | 'checklist'
  | 'allegato';

export interface DeclarationFile {
  readonly slot: FileSlot;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  /** Only additional attachments carry a description. */
  readonly description: string | null;
}

/** Who signs: a snapshot, so the copy of record never changes when a profile does. */
export interface Signatory {
  /** The organisation that files (the account that registered it). */
  readonly accountId: string;
  /** The person who pressed INVIA; absent in filings made before people had roles. */
  readonly personId?: string;
  readonly name: string;
  readonly username: string;
  readonly email: string;
  readonly kind: 'ditta' | 'studio';
}

/** What a valid upload holds; the submission copies it as it was validated. */
export interface DeclarationContent {
  readonly year: number;
  readonly templateVersion: string;
  readonly notificationEmail: string;
  readonly files: readonly DeclarationFile[];
  readonly figures: DeclarationFigures;
  readonly analyses: AnalysesFigures | null;
  /** The check-list's answers, null without one; absent in events recorded before they were kept. */
  readonly checklist?: readonly ChecklistAnswer[] | null;
  /** The contract's own limits the analyses were checked against (absent: none, or older events). */
  readonly contractLimits?: readonly LimitOverride[];
  readonly warnings: readonly WorkbookIssue[];
}

/** The PDF filed as the copy of record, stored as rendered and never regenerated. */
export interface CopyOfRecord {
  readonly sha256: string;
  readonly size: number;
}

/** Declarations live in their contract's stream: a hand-over and a submission never both win. */
export type DeclarationEvent =
  | { type: 'DeclarationPrepared'; data: DeclarationContent & { preparedBy: string } }
  | {
      type: 'DeclarationSubmitted';
      data: DeclarationContent & {
        signatory: Signatory;
        receivedAt: string;
        deadline: string;
        late: boolean;
        /** The warnings the declarant confirmed having read (all of them, or none if none). */
        warningsAcknowledged: boolean;
        /** The self-declaration made at INVIA; absent in submissions made before it was asked. */
        certification?: Certification;
        /** A correction: the protocol number this version replaces, and why. */
        corrects?: Correction;
      };
    }
  | {
      type: 'DeclarationProtocolled';
      data: {
        year: number;
        protocolNumber: string;
        /** Only in events recorded when the copy was stored in the same step (now: CopyOfRecordStored). */
        copyOfRecord?: CopyOfRecord;
        /** Where the receipt with the copy of record goes. */
        notificationEmail: string;
      };
    }
  | {
      /** The declarant opens a filed year to a new version (rettifica), with a reason. */
      type: 'DeclarationCorrectionStarted';
      data: { year: number; replaces: string; reason: string; startedBy: string };
    }
  | {
      /** The utility takes back an acceptance so that the declarant may correct. */
      type: 'DeclarationReopened';
      data: {
        year: number;
        protocolNumber: string;
        reason: string;
        reopenedBy: { accountId: string; name: string };
        /** The addresses mailed; absent in reopenings recorded before they were mailed. */
        notified?: readonly string[];
      };
    }
  | {
      /** The utility's outcome, told to the declarant and, when a consultant filed, the company. */
      type: 'DeclarationReviewed';
      data: Review & {
        year: number;
        protocolNumber: string;
        /** The addresses mailed. */
        notified: readonly string[];
      };
    }
  | {
      /** The copy of record rendered after the protocol number, stored as rendered. */
      type: 'CopyOfRecordStored';
      data: {
        year: number;
        protocolNumber: string;
        copyOfRecord: CopyOfRecord;
        /** That DeclarationProtocolled is in a signed head (absent in events before the heads). */
        receipt?: InclusionReceipt;
        notificationEmail: string;
        /** A correction: the number it replaces and why, said again in the receipt mail. */
        corrects?: Correction;
      };
    }
  | {
      type: 'CopyOfRecordResent';
      data: {
        year: number;
        protocolNumber: string;
        copyOfRecord: CopyOfRecord;
        receipt?: InclusionReceipt;
        to: string;
        requestedBy: string;
        /** ISO instant of the request; absent in events recorded before resends were limited. */
        requestedAt?: string;
      };
    };
