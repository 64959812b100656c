import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../domain/accounts/accountEvents.js';
import { contractDecider, type ContractCommand } from '../../domain/contracts/contractDecider.js';
import { declarationOf } from '../../domain/declarations/declarationState.js';
import { DomainError } from '../../domain/shared/domainError.js';
import {
  copyOfRecordFilename,
  logReceiptFilename,
} from '../../projections/declarations/declarationMails.js';
import { actingOf, commandContext, requireRole } from '../accounts/auth.js';
import { mayFile } from '../../domain/contracts/contract.js';
import { holds } from '../../domain/accounts/members.js';
import { readableVersions } from './declarationVersions.js';
import {
  currentReview,
  versionRows,
  type DeclarationVersion,
} from '../../domain/declarations/declarationVersions.js';
import { prefillCorrection } from './draftFiles.js';
import type { DeclarationsDeps } from '../deps.js';
import { readDocument } from '../platform/documents/documentStore.js';
import { receiptFile } from '../platform/transparency/publishedJson.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import {
  commandIdField,
  paramsOf,
  queryOf,
  refuseIfAny,
  submitForm,
} from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { paragraph } from '../platform/http/text.js';
import { findAccount } from '../../projections/accounts/accounts.js';
import {
  reviewOutcomeLabels,
  reviewOutcomes,
  reviewProblems,
} from '../../domain/declarations/reviewDeclaration.js';
import { randomUUID } from 'node:crypto';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { seeOther } from '../platform/http/views.js';
import { slotLabel } from './copyOfRecordInput.js';
import { readableDeclaration, type DeclarationTarget } from './declarationAccess.js';

/** The declarant who may read it, and the utility's staff on the company's behalf; not auditors. */
const resenderRoles: readonly Role[] = ['declarant', 'operator', 'admin'];
const resultQuery = z.object({
  esito: z.enum(['reinviata', 'esame-registrato', 'riaperta']).optional().catch(undefined),
});
const copyQuery = z.object({
  protocollo: z
    .string()
    .regex(/^\d{4}-\d{6}$/)
    .optional()
    .catch(undefined),
});

/** The version the operator's page showed (a hidden field): a newer one is not decided on. */
const seenVersion = z
  .string()
  .regex(/^\d{4}\/\d{6}$/)
  .optional()
  .catch(undefined);

/** A correction's or a reopening's reason: the domain says it may not be empty. */
const reasonSchema = z.object({
  commandId: commandIdField,
  motivo: paragraph(1000).default(''),
  protocollo: seenVersion,
});

/** The operator's outcome: the domain says which outcome needs a note and a date. */
const reviewSchema = z.object({
  commandId: commandIdField,
  esito: z.enum(reviewOutcomes, { error: 'Scegli l’esito dell’esame.' }),
  protocollo: seenVersion,
  nota: paragraph(2000).default(''),
  entro: z
    .union([z.literal(''), z.iso.date({ error: 'Indica una data valida.' })])
    .optional()
    .transform((value) => value || null),
});
type PostedForm = { values: Record<string, unknown>; errors: FieldErrors };
const fileParams = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/** The protocol number of the version in force, '' before one is given. */
const filedNumber = (target: DeclarationTarget): string =>
  declarationOf(target.state.declarations, target.year).submitted?.protocolNumber ?? '';

const url = (target: DeclarationTarget, step = '') =>
  `/dichiarazioni/${target.year}/${target.contractNumber}${step}`;

export const pdf = (
  reply: FastifyReply,
  filename: string,
  body: Buffer,
  disposition: 'attachment' | 'inline' = 'inline',
) =>
  reply
    .type('application/pdf')
    .header('Content-Disposition', contentDisposition(disposition, filename))
    .header('Cache-Control', 'no-store')
    .send(body);

/** "Risultato caricamento": the copy of record, its re-send, the documents sent. */
export function resultRoutes(app: FastifyInstance, deps: DeclarationsDeps): void {
  const { db } = deps.database;
  const readers = { preHandler: requireRole('declarant', 'operator', 'auditor', 'admin') };
  const resenders = { preHandler: requireRole(...resenderRoles) };
  const reviewers = { preHandler: requireRole('operator') };
  const correctors = { preHandler: requireRole('declarant') };

  /** One decision on the declaration's contract stream, with who, when and from where. */
  const onContract = (
    request: FastifyRequest,
    target: DeclarationTarget,
    command: ContractCommand,
    now: Date,
    commandId?: string,
  ) =>
    handleCommand(
      deps.eventStore,
      contractDecider,
      target.streamId,
      command,
      commandContext(request, now, commandId),
    );

  /** The company's own address when someone else (a consultant) filed the version in force. */
  async function companyEmailOf(target: DeclarationTarget): Promise<string | null> {
    const submitted = declarationOf(target.state.declarations, target.year).submitted;
    const owner = target.state.ownerAccountId;
    if (!owner || owner === submitted?.submittedBy) return null;
    return (await findAccount(db, owner))?.email ?? null;
  }

  /** "Risultato caricamento"; the re-send is offered to those who may ask for it. */
  async function resultPage(
    request: FastifyRequest,
    reply: FastifyReply,
    target: DeclarationTarget,
    outcome: {
      resent?: boolean;
      refused?: string;
      reviewed?: boolean;
      reopened?: boolean;
      review?: PostedForm;
      correction?: PostedForm;
      reopening?: PostedForm;
    } = {},
  ) {
    const declaration = declarationOf(target.state.declarations, target.year);
    const { versions, shown, superseded } = readableVersions(request, target);
    if (!shown) throw notFound('Dichiarazione non trovata.');
    const review = currentReview(shown);
    const role = request.account!.role;
    // A refused resend is a 429; a refused outcome keeps the 422 the form gave it.
    if (outcome.refused) reply.code(429);
    return reply.view('declarations/result', {
      title: 'Risultato del caricamento documentazione',
      year: target.year,
      base: url(target),
      ...copyLinks(request, shown, superseded),
      protocolNumber: shown.protocolNumber,
      notificationEmail: shown.notificationEmail,
      superseded,
      files: shown.files,
      slotLabel,
      resent: outcome.resent ?? false,
      refused: outcome.refused ?? null,
      review,
      // The outcomes before the current one: an integration asked, an acceptance taken back.
      earlierSteps: review ? shown.steps.slice(0, -1) : shown.steps,
      reviewLabels: reviewOutcomeLabels,
      reviewed: outcome.reviewed ?? false,
      // One outcome at a time: an accepted or rejected declaration keeps its outcome.
      mayReview:
        role === 'operator' &&
        shown.protocolNumber !== null &&
        !['accettata', 'respinta'].includes(review?.outcome ?? ''),
      reviewForm: {
        commandId: randomUUID(),
        values: {},
        errors: {},
        ...outcome.review,
      },
      versions: versionRows(versions),
      correction: declaration.correction,
      accepted: review?.outcome === 'accettata',
      reopened: outcome.reopened ?? false,
      mayCorrect:
        role === 'declarant' &&
        !superseded &&
        mayFile(target.state, actingOf(request).organisationId) &&
        holds(actingOf(request).role, 'prepare') &&
        shown.protocolNumber !== null,
      mayReopen: role === 'operator' && review?.outcome === 'accettata',
      correctionForm: { commandId: randomUUID(), values: {}, errors: {}, ...outcome.correction },
      reopenForm: { commandId: randomUUID(), values: {}, errors: {}, ...outcome.reopening },
    });
  }

  app.get('/:anno/:contratto/risultato', readers, async (request, reply) => {
    const { esito } = queryOf(resultQuery, request);
    return resultPage(request, reply, await readableDeclaration(deps, request), {
      resent: esito === 'reinviata',
      reviewed: esito === 'esame-registrato',
      reopened: esito === 'riaperta',
    });
  });

  /** «Rettifica»: the filed year opens to a new version, the wizard starts from the filed files. */
  app.post('/:anno/:contratto/rettifica', correctors, async (request, reply) => {
    const target = await readableDeclaration(deps, request);
    return submitForm(request, reply, deps.projections, {
      schema: reasonSchema,
      run: async (form) => {
        const now = deps.clock();
        const acting = actingOf(request);
        const result = await onContract(
          request,
          target,
          {
            type: 'StartCorrection',
            role: acting.role,
            accountId: acting.organisationId,
            year: target.year,
            reason: form.motivo,
          },
          now,
          form.commandId,
        );
        // Only when this started it: a page left open, or sent again, must not undo the files
        // uploaded since.
        const wasOpen = declarationOf(target.state.declarations, target.year).correction;
        if (!wasOpen && result.events.length > 0) await prefillCorrection(deps, request, target);
        return { position: result.position, redirect: url(target) };
      },
      invalid: (errors, values) =>
        resultPage(request, reply, target, { correction: { values, errors } }),
    });
  });

  /** The utility takes back an acceptance, with a reason, so that the declarant may correct. */
  app.post('/:anno/:contratto/riapri', reviewers, async (request, reply) => {
    const target = await readableDeclaration(deps, request);
    return submitForm(request, reply, deps.projections, {
      schema: reasonSchema,
      run: async (form) => {
        const now = deps.clock();
        const result = await onContract(
          request,
          target,
          {
            type: 'ReopenDeclaration',
            year: target.year,
            protocolNumber: form.protocollo ?? filedNumber(target),
            reason: form.motivo,
            operator: staffOf(request),
            companyEmail: await companyEmailOf(target),
          },
          now,
          form.commandId,
        );
        return { position: result.position, redirect: url(target, '/risultato?esito=riaperta') };
      },
      invalid: (errors, values) =>
        resultPage(request, reply, target, { reopening: { values, errors } }),
    });
  });

  /** The operator's outcome, mailed to the declarant (and the company when a consultant filed). */
  app.post('/:anno/:contratto/esito', reviewers, async (request, reply) => {
    const target = await readableDeclaration(deps, request);
    return submitForm(request, reply, deps.projections, {
      schema: reviewSchema,
      run: async (form) => {
        const now = deps.clock();
        const problems = reviewProblems({
          outcome: form.esito,
          note: form.nota,
          dueBy: form.entro,
          reviewedAt: now,
        });
        refuseIfAny(Object.fromEntries(problems.map((p) => [p.field, p.message])));
        const result = await onContract(
          request,
          target,
          {
            type: 'ReviewDeclaration',
            year: target.year,
            protocolNumber: form.protocollo ?? filedNumber(target),
            outcome: form.esito,
            note: form.nota,
            dueBy: form.entro,
            reviewer: staffOf(request),
            companyEmail: await companyEmailOf(target),
            reviewedAt: now,
          },
          now,
          form.commandId,
        );
        return {
          position: result.position,
          redirect: url(target, '/risultato?esito=esame-registrato'),
        };
      },
      invalid: (errors, values) =>
        resultPage(request, reply, target, { review: { values, errors } }),
    });
  });

  /** The copy's links, asked for again by the page while the copy is being made. */
  app.get('/:anno/:contratto/risultato/copia', readers, async (request, reply) => {
    const target = await readableDeclaration(deps, request);
    const { versions, shown, superseded } = readableVersions(request, target);
    if (!shown?.protocolNumber) throw notFound('Dichiarazione non trovata.');
    return reply.view('declarations/_resultCopy', {
      base: url(target),
      ...copyLinks(request, shown, superseded),
      // Once the copy is there, the versions table takes the new row's number and PDF link.
      versions: versionRows(versions),
      reviewLabels: reviewOutcomeLabels,
      year: target.year,
      superseded,
      oob: true,
    });
  });

  /** The evidence that the submission is in the signed log, as the protocol mail attached it. */
  app.get('/:anno/:contratto/ricevuta-registro.json', readers, async (request, reply) => {
    const target = await readableDeclaration(deps, request);
    const { shown } = readableVersions(request, target);
    if (!shown?.protocolNumber || !shown.receipt)
      throw notFound('La ricevuta del registro non è ancora disponibile.');
    const file = receiptFile(shown.receipt, logReceiptFilename(shown.protocolNumber));
    return reply
      .type(`${file.contentType}; charset=utf-8`)
      .header('Content-Disposition', contentDisposition('attachment', file.filename))
      .header('Cache-Control', 'no-store')
      .send(file.content);
  });

  app.get('/:anno/:contratto/copia.pdf', readers, async (request, reply) => {
    const target = await readableDeclaration(deps, request);
    // The latest version the caller reads, or an earlier one by its number (2025-000001).
    const asked = queryOf(copyQuery, request).protocollo?.replace('-', '/');
    const { versions, shown } = readableVersions(request, target);
    const version = asked ? versions.find((each) => each.protocolNumber === asked) : shown;
    const stored = version?.copyOfRecord
      ? await readDocument(db, version.copyOfRecord.sha256)
      : undefined;
    if (!version?.protocolNumber || !stored)
      throw notFound('La copia della dichiarazione non è ancora disponibile.');
    return pdf(reply, copyOfRecordFilename(version.protocolNumber), stored.content, 'attachment');
  });

  /** Auditors only read: a re-send appends an event and mails the PDF of the version in force. */
  app.post('/:anno/:contratto/reinvia', resenders, async (request, reply) => {
    const target = await readableDeclaration(deps, request);
    if (readableVersions(request, target).superseded)
      throw new DomainError(
        'VersionSuperseded',
        'forbidden',
        'La versione in vigore è stata inviata da chi gestisce ora il contratto: la copia può chiederla solo chi la legge.',
      );
    const now = deps.clock();
    try {
      const result = await onContract(
        request,
        target,
        {
          type: 'ResendCopyOfRecord',
          accountId: request.account!.accountId,
          year: target.year,
          requestedAt: now,
        },
        now,
      );
      await deps.projections.waitFor(result.position);
      return seeOther(request, reply, url(target, '/risultato?esito=reinviata'));
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'ResendLimitReached') throw error;
      return resultPage(request, reply, target, { refused: error.message });
    }
  });

  /** A file of a version the caller reads, by its hash: only if that version sent it. */
  app.get('/:anno/:contratto/file/:sha256', readers, async (request, reply) => {
    const target = await readableDeclaration(deps, request);
    const { sha256 } = paramsOf(fileParams, request);
    const file = readableVersions(request, target)
      .versions.flatMap((version) => version.files)
      .findLast((each) => each.sha256 === sha256);
    const stored = file ? await readDocument(db, file.sha256) : undefined;
    if (!file || !stored) throw notFound('File non trovato.');
    return reply
      .type(stored.contentType)
      .header('Content-Disposition', contentDisposition('attachment', file.filename))
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'no-store')
      .send(stored.content);
  });
}

/** The operator who decides, as the events name them. */
const staffOf = (request: FastifyRequest) => ({
  accountId: request.account!.accountId,
  name: request.account!.fullName,
});

const notFound = (message: string) => new DomainError('DeclarationUnknown', 'not-found', message);

/**
 * The copy's links on the result page: ready or not, the log receipt, and the re-send, which
 * mails the version in force (not for a former manager whose version was replaced).
 */
const copyLinks = (request: FastifyRequest, shown: DeclarationVersion, superseded: boolean) => ({
  copyReady: shown.copyOfRecord !== null,
  hasLogReceipt: shown.receipt !== null,
  mayResend: !superseded && (resenderRoles as readonly string[]).includes(request.account!.role),
});
