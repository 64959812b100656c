import { declarationError } from './declarationErrors.js';
import type { InclusionReceipt } from '../audit/treeHeads.js';
import type { Certification } from './certification.js';
import type { Review } from './reviewDeclaration.js';
import type { Correction } from './correctDeclaration.js';
import type { CopyOfRecord, DeclarationContent, DeclarationEvent } from './declarationEvents.js';

/** One year's declaration of a contract, as the rules need it. */
export interface DeclarationState {
  readonly draft: (DeclarationContent & { readonly preparedBy: string }) | null;
  readonly submitted: {
    readonly submittedBy: string;
    readonly notificationEmail: string;
    /** The self-declaration made at INVIA, null for submissions made before it was asked. */
    readonly certification: Certification | null;
    /** What this version corrects, null for a first version. */
    readonly corrects: Correction | null;
    readonly protocolNumber: string | null;
    readonly copyOfRecord: CopyOfRecord | null;
    /** The copy's evidence that it is in the signed log, mailed again with each resend. */
    readonly receipt: InclusionReceipt | null;
    /** When the copy was sent again, oldest first: the resend limit counts them. */
    readonly resentAt: readonly string[];
    /** The utility's latest outcome, null until an operator records one. */
    readonly review: Review | null;
  } | null;
  /** A correction started on the filed version: the next INVIA files a new one. */
  readonly correction: Correction | null;
  /** The protocol numbers of the versions corrections replaced, oldest first. */
  readonly replaced: readonly string[];
  /** Every organisation that filed a version: each keeps reading what it filed. */
  readonly filedBy: readonly string[];
}

export type DeclarationsByYear = Readonly<Record<string, DeclarationState>>;

const empty: DeclarationState = {
  draft: null,
  submitted: null,
  correction: null,
  replaced: [],
  filedBy: [],
};

export const declarationOf = (declarations: DeclarationsByYear, year: number): DeclarationState =>
  declarations[String(year)] ?? empty;

/** The year's filed version once it has its protocol number; refused before. */
export function protocolledOf(declarations: DeclarationsByYear, year: number) {
  const { submitted } = declarationOf(declarations, year);
  if (!submitted?.protocolNumber) {
    throw declarationError(
      'NotSubmitted',
      'conflict',
      'La dichiarazione non è ancora protocollata.',
    );
  }
  return { ...submitted, protocolNumber: submitted.protocolNumber };
}

export function evolveDeclarations(
  declarations: DeclarationsByYear,
  event: DeclarationEvent,
): DeclarationsByYear {
  const year = String(event.data.year);
  const current = declarations[year] ?? empty;
  type Submitted = NonNullable<DeclarationState['submitted']>;
  /** The filed version with some of its facts changed; nothing before a submission. */
  const withSubmitted = (change: (submitted: Submitted) => Partial<Submitted>) =>
    current.submitted
      ? {
          ...declarations,
          [year]: {
            ...current,
            submitted: { ...current.submitted, ...change(current.submitted) },
          },
        }
      : declarations;
  switch (event.type) {
    case 'DeclarationPrepared':
      return { ...declarations, [year]: { ...current, draft: event.data } };
    case 'DeclarationSubmitted':
      return {
        ...declarations,
        [year]: {
          correction: null,
          replaced: current.submitted?.protocolNumber
            ? [...current.replaced, current.submitted.protocolNumber]
            : current.replaced,
          draft: null,
          filedBy: current.filedBy.includes(event.data.signatory.accountId)
            ? current.filedBy
            : [...current.filedBy, event.data.signatory.accountId],
          submitted: {
            submittedBy: event.data.signatory.accountId,
            notificationEmail: event.data.notificationEmail,
            certification: event.data.certification ?? null,
            corrects: event.data.corrects ?? null,
            protocolNumber: null,
            copyOfRecord: null,
            receipt: null,
            resentAt: [],
            review: null,
          },
        },
      };
    case 'DeclarationProtocolled':
    case 'CopyOfRecordStored':
      return withSubmitted((submitted) => ({
        protocolNumber: event.data.protocolNumber,
        copyOfRecord: event.data.copyOfRecord ?? submitted.copyOfRecord,
        receipt:
          event.type === 'CopyOfRecordStored' ? (event.data.receipt ?? null) : submitted.receipt,
      }));
    case 'DeclarationCorrectionStarted':
      return {
        ...declarations,
        [year]: {
          ...current,
          correction: { replaces: event.data.replaces, reason: event.data.reason },
        },
      };
    case 'DeclarationReopened':
      return withSubmitted(() => ({ review: null }));
    case 'DeclarationReviewed': {
      const { outcome, note, dueBy, reviewedBy, reviewedAt } = event.data;
      return withSubmitted(() => ({ review: { outcome, note, dueBy, reviewedBy, reviewedAt } }));
    }
    case 'CopyOfRecordResent': {
      const { requestedAt } = event.data;
      // Resends recorded before they were limited carry no time: nothing to count.
      return requestedAt
        ? withSubmitted((submitted) => ({ resentAt: [...submitted.resentAt, requestedAt] }))
        : declarations;
    }
  }
}

/** A hand-over voids the drafts and any correction: the new manager starts from its own files. */
export const withoutDrafts = (declarations: DeclarationsByYear): DeclarationsByYear =>
  Object.fromEntries(
    Object.entries(declarations).map(([year, declaration]) => [
      year,
      { ...declaration, draft: null, correction: null },
    ]),
  );
