import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mayRead } from '../../domain/contracts/contract.js';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import { plantAddress } from '../../domain/contracts/changePlantAddress.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { fold } from '../../domain/shared/decider.js';
import { accountNames } from '../../projections/accounts/accountQueries.js';
import { actingOf, requireRole } from '../accounts/auth.js';
import type { AreaDeps } from '../deps.js';
import { validatedWithRegistration } from '../../domain/contracts/declareContract.js';
import { reviewOutcomeLabels } from '../../domain/declarations/reviewDeclaration.js';
import { formatDate } from '../../domain/shared/italianDate.js';

const numberParams = z.object({ numero: z.string().regex(/^\d{10}$/) });

/** What happened, in Italian, for each contract event. */
function describe(event: ContractEvent, names: Map<string, string>): string {
  const name = (id: string | null) => (id ? (names.get(id) ?? 'account sconosciuto') : 'nessuno');
  switch (event.type) {
    case 'ContractDeclared':
      return `Contratto dichiarato da ${name(event.data.declaredBy.accountId)} per ${event.data.companyName} (codice cliente ${event.data.customerCode})`;
    case 'ContractValidated':
      return event.data.note === validatedWithRegistration
        ? 'Convalidato con l’approvazione della registrazione'
        : `Convalidato dagli operatori${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'ContractRejected':
      return `Respinto dagli operatori: ${event.data.reason}`;
    case 'ContractOwnerLinked':
      return `Collegato all'account della ditta intestataria ${name(event.data.ownerAccountId)}`;
    case 'ContractOwnershipRequested':
      return `La ditta ${name(event.data.ownerAccountId)} chiede di risultarne intestataria`;
    case 'ContractOwnershipValidated':
      return event.data.note === validatedWithRegistration
        ? `Intestazione a ${name(event.data.ownerAccountId)} convalidata con l’approvazione della registrazione`
        : `Intestazione a ${name(event.data.ownerAccountId)} convalidata dagli operatori${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'ContractOwnershipRejected':
      return `Intestazione a ${name(event.data.ownerAccountId)} respinta dagli operatori: ${event.data.reason}`;
    case 'ContractClaimed':
      return `Preso in gestione dalla ditta ${name(event.data.managerId)} (prima gestito da ${name(event.data.previousManagerId)})`;
    case 'ContractReleased':
      return `Rilasciato da ${name(event.data.previousManagerId)}; ora gestito da ${name(event.data.managerId)}`;
    case 'ContractDelegationOffered':
      return `Gestione offerta a ${name(event.data.toAccountId)}`;
    case 'ContractDelegationAccepted':
      return `Gestione accettata da ${name(event.data.managerId)}`;
    case 'ContractDelegationDeclined':
      return `Gestione rifiutata da ${name(event.data.toAccountId)}`;
    case 'ContractDelegationWithdrawn':
      return `Affidamento a ${name(event.data.toAccountId)} ritirato dalla ditta`;
    case 'ContractNumberChangeRequested':
      return `${name(event.data.requestedBy)} chiede di cambiare il numero in ${event.data.newContractNumber}`;
    case 'ContractNumberChanged':
      return `Numero cambiato in ${event.data.newContractNumber} dagli operatori: il contratto prosegue con il nuovo numero`;
    case 'ContractNumberChangeRejected':
      return `Cambio del numero in ${event.data.newContractNumber} respinto dagli operatori: ${event.data.reason}`;
    case 'PlantAddressChangeRequested':
      return `${name(event.data.requestedBy)} chiede di cambiare l’indirizzo dello stabilimento da ${plantAddress(event.data.previousPlant)} a ${plantAddress(event.data.plant)}`;
    case 'PlantAddressChanged':
      return `Indirizzo dello stabilimento cambiato dagli operatori in ${plantAddress(event.data.plant)}`;
    case 'PlantAddressChangeRejected':
      return `Nuovo indirizzo ${plantAddress(event.data.plant)} respinto dagli operatori: ${event.data.reason}`;
    case 'ContractCompanyRenamed':
      return `Ragione sociale della ditta convalidata dagli operatori: da ${event.data.previousName} a ${event.data.companyName}`;
    case 'ContractRenumbered':
      return `Contratto con il nuovo numero, prima ${event.data.previousContractNumber}, per ${event.data.companyName} (codice cliente ${event.data.customerCode})`;
    case 'DeclarationPrepared':
      return `Dichiarazione ${event.data.year}: file caricati e validati da ${name(event.data.preparedBy)}`;
    case 'DeclarationSubmitted': {
      const { year, signatory, late, corrects } = event.data;
      const what = corrects
        ? `Rettifica della dichiarazione ${year} (sostituisce il protocollo ${corrects.replaces})`
        : `Dichiarazione ${year}`;
      return `${what} inviata da ${signatory.name}${late ? ' (oltre il termine)' : ''}`;
    }
    case 'DeclarationProtocolled':
      return `Dichiarazione ${event.data.year} protocollata con il numero ${event.data.protocolNumber}`;
    case 'CopyOfRecordStored':
      return `Copia conforme della dichiarazione ${event.data.year} (protocollo ${event.data.protocolNumber}) conservata e inviata a ${event.data.notificationEmail}`;
    case 'CopyOfRecordResent':
      return `Copia della dichiarazione ${event.data.year} reinviata a ${event.data.to}`;
    case 'DeclarationCorrectionStarted':
      return `Dichiarazione ${event.data.year}: rettifica del protocollo ${event.data.replaces} avviata da ${name(event.data.startedBy)}: ${event.data.reason}`;
    case 'DeclarationReopened':
      return `Dichiarazione ${event.data.year} (protocollo ${event.data.protocolNumber}) riaperta da ${event.data.reopenedBy.name}: ${event.data.reason}`;
    case 'DeclarationReviewed': {
      const { year, protocolNumber, outcome, note, dueBy, reviewedBy } = event.data;
      const due = dueBy ? ` (entro il ${formatDate(dueBy)})` : '';
      return `Dichiarazione ${year} (protocollo ${protocolNumber}): esito «${reviewOutcomeLabels[outcome]}»${due} registrato da ${reviewedBy.name}${note ? `: ${note}` : ''}`;
    }
  }
}

/** "Storia del contratto": every event, with who, when and from where. */
export function contractHistoryRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const { db } = deps.database;
  app.get(
    '/contratti/:numero/storia',
    { preHandler: requireRole('declarant', 'operator', 'auditor', 'admin') },
    async (request, reply) => {
      const params = numberParams.safeParse(request.params);
      // Reads the stream: the page is the contract's history, every event with who and from where.
      const { events } = params.success
        ? await deps.eventStore.readStream(contractStream.id(params.data.numero))
        : { events: [] };
      const domainEvents = events.map(
        (event) => ({ type: event.type, data: event.data }) as ContractEvent,
      );
      const me = request.account!;
      const staff = me.role !== 'declarant';
      const state = fold(contractDecider, domainEvents);
      // The company, its current manager, operators and auditors; a former manager reads only
      // the declarations it filed (on the declaration pages), not the contract's history.
      if (events.length === 0 || (!staff && !mayRead(state, actingOf(request).organisationId))) {
        throw new DomainError('ContractUnknown', 'not-found', 'Contratto non trovato.');
      }
      // Who is named in each event: the actor, ids in the data, and the declarer (nested).
      const mentioned = events.flatMap((event) => {
        const data = event.data as { declaredBy?: { accountId?: string } };
        const ids = Object.values(event.data).filter(
          (value): value is string => typeof value === 'string',
        );
        return [
          event.metadata.actor.id,
          ...ids,
          ...(data.declaredBy?.accountId ? [data.declaredBy.accountId] : []),
        ];
      });
      const names = await accountNames(db, [...new Set(mentioned)]);
      const rows = events.map((event, index) => ({
        version: event.version,
        at: event.metadata.occurredAt,
        what: describe(domainEvents[index]!, names),
        who:
          names.get(event.metadata.actor.id) ??
          (event.metadata.actor.role === 'system' ? 'sistema' : event.metadata.actor.id),
        role: event.metadata.actor.role,
        ip: event.metadata.clientIp,
      }));
      return reply.view('contracts/history', {
        title: `Storia del contratto ${params.data!.numero}`,
        contractNumber: params.data!.numero,
        rows,
        staff,
        renumberedTo: state.renumberedTo,
        renumberedFrom: state.renumberedFrom,
      });
    },
  );
}
