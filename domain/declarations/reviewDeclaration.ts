import { romeDay } from '../shared/italianDate.js';
import type { ContractState } from '../contracts/contract.js';
import type { ContractEvent } from '../contracts/contractEvents.js';
import { declarationError } from './declarationErrors.js';
import { protocolledOf } from './declarationState.js';

/*
 * The utility's review of a filed declaration: one outcome with a note, recorded by an operator.
 * «Integrazione richiesta» says what is missing and by when, and leaves the review open; an
 * accepted or rejected declaration keeps its outcome.
 */

export const reviewOutcomes = ['accettata', 'integrazione-richiesta', 'respinta'] as const;
export type ReviewOutcome = (typeof reviewOutcomes)[number];

export const reviewOutcomeLabels: Record<ReviewOutcome, string> = {
  accettata: 'Accettata',
  'integrazione-richiesta': 'Integrazione richiesta',
  respinta: 'Respinta',
};

/** An outcome as recorded and shown. */
export interface Review {
  readonly outcome: ReviewOutcome;
  readonly note: string;
  /** ISO date by which the integration is due; null for the other outcomes. */
  readonly dueBy: string | null;
  readonly reviewedBy: { readonly accountId: string; readonly name: string };
  readonly reviewedAt: string;
}

export interface ReviewDeclaration {
  readonly type: 'ReviewDeclaration';
  readonly year: number;
  /** The version the operator examined: an outcome never lands on a newer one. */
  readonly protocolNumber: string;
  readonly outcome: ReviewOutcome;
  readonly note: string;
  readonly dueBy: string | null;
  readonly reviewer: Review['reviewedBy'];
  /** The company's own address, when someone else (a consultant) filed for it. */
  readonly companyEmail: string | null;
  readonly reviewedAt: Date;
}

/** Every problem of an outcome as given, each with its field: the page shows them all at once. */
export function reviewProblems(
  command: Pick<ReviewDeclaration, 'outcome' | 'note' | 'dueBy' | 'reviewedAt'>,
): { field: 'nota' | 'entro'; message: string }[] {
  const problems: { field: 'nota' | 'entro'; message: string }[] = [];
  if (command.outcome !== 'accettata' && command.note.trim() === '')
    problems.push({
      field: 'nota',
      message:
        command.outcome === 'respinta'
          ? 'Indica il motivo per cui la dichiarazione è respinta.'
          : 'Indica che cosa deve essere integrato.',
    });
  if (command.outcome !== 'integrazione-richiesta') return problems;
  if (!command.dueBy)
    problems.push({ field: 'entro', message: 'Indica la data entro cui integrare.' });
  else if (command.dueBy <= romeDay(command.reviewedAt))
    problems.push({
      field: 'entro',
      message: 'La data entro cui integrare deve essere successiva a oggi.',
    });
  return problems;
}

function mustBeExplained(command: ReviewDeclaration): void {
  const [problem] = reviewProblems(command);
  if (problem)
    throw declarationError('ReviewIncomplete', 'validation', problem.message, problem.field);
}

/** The operator decides on the version it saw; a correction filed since makes it ask again. */
export function mustBeTheVersionSeen(current: string | null, seen: string): void {
  if (current !== null && current !== seen) {
    throw declarationError(
      'VersionChanged',
      'conflict',
      `Nel frattempo è stata inviata una nuova versione della dichiarazione (protocollo ${current}): ricarica la pagina.`,
    );
  }
}

/** The declaration's notification address, and the company's own when it is another mailbox. */
export function whoIsTold(notificationEmail: string, companyEmail: string | null): string[] {
  const sameMailbox = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return companyEmail && !sameMailbox(companyEmail, notificationEmail)
    ? [notificationEmail, companyEmail]
    : [notificationEmail];
}

/** One outcome at a time, on a protocolled declaration: the declarant and the company are told. */
export function reviewDeclaration(
  command: ReviewDeclaration,
  state: ContractState,
): ContractEvent[] {
  const submitted = protocolledOf(state.declarations, command.year);
  mustBeTheVersionSeen(submitted.protocolNumber, command.protocolNumber);
  const current = submitted.review?.outcome;
  if (current === 'accettata' || current === 'respinta') {
    throw declarationError(
      'AlreadyReviewed',
      'conflict',
      `La dichiarazione ha già l’esito «${reviewOutcomeLabels[current]}».`,
    );
  }
  mustBeExplained(command);
  const notified = whoIsTold(submitted.notificationEmail, command.companyEmail);
  return [
    {
      type: 'DeclarationReviewed',
      data: {
        year: command.year,
        protocolNumber: submitted.protocolNumber,
        outcome: command.outcome,
        note: command.note.trim(),
        dueBy: command.outcome === 'integrazione-richiesta' ? command.dueBy : null,
        reviewedBy: command.reviewer,
        reviewedAt: command.reviewedAt.toISOString(),
        notified,
      },
    },
  ];
}
