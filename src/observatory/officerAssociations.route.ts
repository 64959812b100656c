import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import {
  municipalityStreamId,
  officerDecider,
  type OfficerCommand,
} from '../../domain/observatory/municipalityOfficer.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { isValidCodiceFiscale } from '../../domain/shared/italianIdentifiers.js';
import type { AppDeps } from '../app.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import type { GlobalPosition } from '../eventStore/eventStore.js';
import { seeOther } from '../http/views.js';
import type { AdminPage } from './adminPage.js';
import { observatoryContext, requireObservatory } from './observatoryAccess.js';
import { assignMunicipalityOfficer } from './officerAssignments.js';

type Body = Record<string, string | undefined>;
const text = (body: Body, name: string) => (body[name] ?? '').trim();

/**
 * The municipalities' users: associate (replacing the current one), end an association with no
 * one in its place, change the contact address. Each is an event with who, when, where and why.
 */
export function officerAssociationRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  page: AdminPage,
): void {
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };
  const adminOf = (request: FastifyRequest) => `cf:${request.identity!.fiscalCode}`;
  const done = (request: FastifyRequest, reply: FastifyReply, outcome: string) =>
    seeOther(request, reply, `/osservatorio/admin?esito=${outcome}#associazioni`);

  /** Runs the work; a domain error naming a field re-renders the page with it beside the field. */
  async function attempt(
    request: FastifyRequest,
    reply: FastifyReply,
    work: () => Promise<GlobalPosition | null>,
    errorKey: (field: string) => string,
    values: Record<string, string>,
  ): Promise<FastifyReply | null> {
    try {
      await deps.projections.waitFor(await work());
      return null;
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return page(request, reply, { [errorKey(error.field)]: error.message }, values);
    }
  }

  app.post('/osservatorio/admin/associazioni', adminsOnly, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const values = {
      comune: text(body, 'comune'),
      codiceFiscale: text(body, 'codiceFiscale').toUpperCase(),
      email: text(body, 'email'),
    };
    const municipality = municipalityByIstat(values.comune);
    if (!municipality) return page(request, reply, { comune: 'Scegliere il comune.' }, values);
    if (!isValidCodiceFiscale(values.codiceFiscale))
      return page(request, reply, { codiceFiscale: 'Codice fiscale non valido.' }, values);
    const refused = await attempt(
      request,
      reply,
      () =>
        assignMunicipalityOfficer(
          { store: deps.eventStore, db: deps.database.db },
          {
            istatCode: municipality.istatCode,
            fiscalCode: values.codiceFiscale,
            email: values.email,
            adminId: adminOf(request),
            institutionalDomains: deps.config.OBSERVATORY_EMAIL_DOMAINS,
          },
          observatoryContext(request, deps.clock(), randomUUID()),
        ),
      (field) => field,
      values,
    );
    return refused ?? done(request, reply, 'associato');
  });

  /** A change to the association of one municipality, from its row of the users' table. */
  function onOfficer(
    form: 'email' | 'chiudi',
    outcome: string,
    command: (body: Body, who: { istatCode: string; adminId: string }) => OfficerCommand,
  ) {
    app.post(
      `/osservatorio/admin/associazioni/:istat/${form}`,
      adminsOnly,
      async (request, reply) => {
        const municipality = municipalityByIstat((request.params as { istat: string }).istat);
        if (!municipality)
          throw new DomainError('MunicipalityUnknown', 'not-found', 'Comune non trovato.');
        const { istatCode } = municipality;
        const body = (request.body ?? {}) as Body;
        const refused = await attempt(
          request,
          reply,
          async () =>
            (
              await handleCommand(
                deps.eventStore,
                officerDecider,
                municipalityStreamId(istatCode),
                command(body, { istatCode, adminId: adminOf(request) }),
                observatoryContext(request, deps.clock(), randomUUID()),
              )
            ).position,
          (field) => `${form}-${field}-${istatCode}`,
          {
            [`${form}-email-${istatCode}`]: text(body, 'email'),
            [`${form}-motivo-${istatCode}`]: text(body, 'motivo'),
          },
        );
        return refused ?? done(request, reply, outcome);
      },
    );
  }

  onOfficer('chiudi', 'chiusa', (body, who) => ({
    type: 'EndOfficerAssignment',
    ...who,
    reason: text(body, 'motivo'),
  }));
  onOfficer('email', 'email', (body, who) => ({
    type: 'ChangeOfficerEmail',
    ...who,
    email: text(body, 'email'),
    reason: text(body, 'motivo'),
    institutionalDomains: deps.config.OBSERVATORY_EMAIL_DOMAINS,
  }));
}
