import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { OfficerCommand } from '../../domain/observatory/municipalityOfficer.js';
import { romeDay } from '../../domain/observatory/months.js';
import type { ObservatoryDeps } from '../deps.js';
import { FormRefused, paramsOf, submitForm } from '../platform/http/command.js';
import { DomainError } from '../../domain/shared/domainError.js';
import {
  institutionalEmailProblem,
  reasonProblem,
} from '../../domain/observatory/municipalityOfficer.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import {
  assignOfficerSchema,
  authoriseSecondUserSchema,
  secondUserParams,
  changeOfficerEmailSchema,
  endOfficerAssignmentSchema,
  officerParams,
} from './adminForms.schema.js';
import { adminPage, onPage } from './adminPage.js';
import { observatoryContext, requireObservatory } from './observatoryAccess.js';
import { municipalityCommand } from './municipalityCommand.js';

const assignFields = {
  comune: 'comune',
  codiceFiscale: 'codiceFiscale',
  email: 'email',
  motivo: 'motivo-associa',
};
const done = (outcome: string, section = 'associazioni') =>
  `/osservatorio/admin?esito=${outcome}#${section}`;

/**
 * The municipalities' users: associate (replacing the current one), end an association with no
 * one in its place, change the contact address. Each is an event with who, when, where and why.
 */
export function officerAssociationRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  const page = adminPage(deps);
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };
  const adminOf = (request: FastifyRequest) => `cf:${request.identity!.fiscalCode}`;

  app.post('/admin/associazioni', adminsOnly, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: assignOfficerSchema,
      run: async (form) => ({
        position: (
          await municipalityCommand(
            deps.eventStore,
            {
              type: 'AssignOfficer',
              istatCode: form.comune,
              fiscalCode: form.codiceFiscale,
              email: form.email,
              reason: form.motivo,
              adminId: adminOf(request),
              institutionalDomains: deps.config.OBSERVATORY_EMAIL_DOMAINS,
            },
            observatoryContext(request, deps.clock(), randomUUID()),
          )
        ).position,
        redirect: done('associato'),
      }),
      // The address's rule is said with the form's other errors, not on the next attempt.
      invalid: (errors, values) =>
        page(request, reply, onPage(assignFields, { ...emailRefusal(values), ...errors }, values)),
    }),
  );

  /** The institutional-address rule on what was typed, when the municipality and address read. */
  function emailRefusal(values: Record<string, unknown>): Record<string, string> {
    const municipality =
      typeof values.comune === 'string' ? municipalityByIstat(values.comune) : undefined;
    if (!municipality || typeof values.email !== 'string' || !values.email.includes('@')) return {};
    const problem = institutionalEmailProblem(
      values.email.trim().toLowerCase(),
      deps.config.OBSERVATORY_EMAIL_DOMAINS,
      municipality,
    );
    return problem ? { email: problem } : {};
  }

  /** A change to the association of one municipality, from its row of the users' table. */
  function onOfficer<S extends z.ZodType>(
    form: 'email' | 'chiudi',
    outcome: string,
    schema: S,
    command: (typed: z.output<S>, who: { istatCode: string; adminId: string }) => OfficerCommand,
  ) {
    const url = `/admin/associazioni/:istat/${form}`;
    app.post(url, adminsOnly, async (request, reply) => {
      const { istat: istatCode } = paramsOf(officerParams, request);
      // Every row of the table has its forms: their fields carry the form and the municipality.
      const ids = { email: `${form}-email-${istatCode}`, motivo: `${form}-motivo-${istatCode}` };
      return submitForm(request, reply, deps.projections, {
        schema,
        run: async (typed) => {
          const result = await municipalityCommand(
            deps.eventStore,
            command(typed, { istatCode, adminId: adminOf(request) }),
            observatoryContext(request, deps.clock(), randomUUID()),
          ).catch((error: unknown) => {
            // The decider stops at its first rule: a reason too short is said with it.
            if (!(error instanceof DomainError) || !error.field) throw error;
            throw new FormRefused({ ...reasonRefusal(typed), [error.field]: error.message });
          });
          return { position: result.position, redirect: done(outcome) };
        },
        invalid: (errors, values) => page(request, reply, onPage(ids, errors, values)),
      });
    });
  }

  onOfficer('chiudi', 'chiusa', endOfficerAssignmentSchema, (typed, who) => ({
    type: 'EndOfficerAssignment',
    ...who,
    reason: typed.motivo,
  }));
  onOfficer('email', 'email', changeOfficerEmailSchema, (typed, who) => ({
    type: 'ChangeOfficerEmail',
    ...who,
    email: typed.email,
    reason: typed.motivo,
    institutionalDomains: deps.config.OBSERVATORY_EMAIL_DOMAINS,
  }));
  secondUserRoutes(app, deps, page);
}

/** Second users: each authorisation recorded from the Region's document, and its end. */
function secondUserRoutes(
  app: FastifyInstance,
  deps: ObservatoryDeps,
  page: ReturnType<typeof adminPage>,
): void {
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };
  const record = (request: FastifyRequest, command: OfficerCommand) =>
    municipalityCommand(
      deps.eventStore,
      command,
      observatoryContext(request, deps.clock(), randomUUID()),
    );
  const authoriseIds = Object.fromEntries(
    ['comune', 'codiceFiscale', 'email', 'documento', 'scadenza', 'motivo'].map((field) => [
      field,
      `autorizza-${field}`,
    ]),
  );

  app.post('/admin/autorizzazioni', adminsOnly, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: authoriseSecondUserSchema,
      run: async (form) => {
        const result = await record(request, {
          type: 'AuthoriseSecondUser',
          istatCode: form.comune,
          adminId: `cf:${request.identity!.fiscalCode}`,
          fiscalCode: form.codiceFiscale,
          email: form.email,
          documentReference: form.documento,
          reason: form.motivo,
          expiresOn: form.scadenza,
          today: romeDay(deps.clock()),
          institutionalDomains: deps.config.OBSERVATORY_EMAIL_DOMAINS,
        });
        return { position: result.position, redirect: done('autorizzato', 'secondi-utenti') };
      },
      invalid: (errors, values) => page(request, reply, onPage(authoriseIds, errors, values)),
    }),
  );

  app.post(
    '/admin/autorizzazioni/:istat/:codiceFiscale/chiudi',
    adminsOnly,
    async (request, reply) => {
      const { istat, codiceFiscale } = paramsOf(secondUserParams, request);
      const ids = { motivo: `revoca-motivo-${istat}-${codiceFiscale}` };
      return submitForm(request, reply, deps.projections, {
        schema: endOfficerAssignmentSchema,
        run: async (form) => {
          const result = await record(request, {
            type: 'EndSecondUserAuthorisation',
            istatCode: istat,
            adminId: `cf:${request.identity!.fiscalCode}`,
            fiscalCode: codiceFiscale,
            reason: form.motivo,
          });
          return { position: result.position, redirect: done('autorizzazione', 'secondi-utenti') };
        },
        invalid: (errors, values) => page(request, reply, onPage(ids, errors, values)),
      });
    },
  );
}

/** The decider's rule on a reason, when the form has one. */
function reasonRefusal(typed: unknown): Record<string, string> {
  const reason = (typed as { motivo?: unknown }).motivo;
  const problem = typeof reason === 'string' ? reasonProblem(reason) : null;
  return problem ? { motivo: problem } : {};
}
