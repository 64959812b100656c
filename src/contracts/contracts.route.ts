import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  contractDecider,
  contractStream,
  type ContractCommand,
} from '../../domain/contracts/contractDecider.js';
import { mayRead, type ContractState } from '../../domain/contracts/contract.js';
import { contractActions } from '../../domain/contracts/contractPermissions.js';
import { holds } from '../../domain/accounts/members.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { offerableConsultant } from '../../projections/contracts/contractQueries.js';
import { contractsWithManagers, stateOf } from '../../projections/contracts/contracts.js';
import { actingOf, commandContext, requireRole } from '../accounts/auth.js';
import type { AreaDeps } from '../deps.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import { noFields, noticeOf, submitForm } from '../platform/http/command.js';
import { line } from '../platform/http/text.js';

const numberParams = z.object({ numero: z.string().regex(/^\d{10}$/) });
const offerSchema = z.object({ consulente: line(100) });
const outcomes: Record<string, string> = {
  gestito:
    'Ora la ditta gestisce le dichiarazioni di questo contratto; il consulente è stato avvisato.',
  rilasciato:
    'Contratto rilasciato: la gestione torna alla ditta intestataria, avvisata via e-mail.',
  dichiarato:
    'Contratto inviato agli operatori: potrai caricarne la dichiarazione dopo la convalida.',
  'intestazione-richiesta':
    'Richiesta inviata agli operatori: dopo la convalida la ditta risulterà intestataria del contratto e potrà prenderne la gestione.',
  'gia-presente': 'Il contratto è già tra i tuoi: nessuna modifica.',
  'ditta-aggiunta':
    'Ditta aggiunta, con i suoi dati, tra quelle che gestisci; il suo primo contratto è inviato agli operatori: potrai caricarne la dichiarazione dopo la convalida.',
  'ditta-aggiunta-contratto-noto':
    'Ditta aggiunta, con i suoi dati, tra quelle che gestisci; il contratto indicato era già tra i tuoi.',
  offerto:
    'Affidamento inviato: il consulente è stato avvisato via e-mail; la gestione passa a lui quando accetta.',
  accettato:
    'Ora gestisci le dichiarazioni di questo contratto; la ditta è stata avvisata via e-mail.',
  rifiutato: 'Affidamento rifiutato: la ditta continua a gestire il contratto ed è stata avvisata.',
  ritirato: 'Affidamento ritirato: il consulente è stato avvisato via e-mail.',
  'cambio-richiesto':
    'Richiesta di cambio del numero inviata agli operatori: riceverai una e-mail con il loro esito.',
};

/** The declarant's contracts, who manages them, and the hand-overs between company and consultant. */
export function contractRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const declarants = { preHandler: requireRole('declarant') };

  app.get('/contratti', declarants, async (request, reply) => {
    return listPage(request, reply, {}, undefined, noticeOf(request, outcomes));
  });

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: Record<string, string>,
    consultant?: string,
    notice?: string,
  ) {
    const acting = actingOf(request);
    const contracts = await contractsWithManagers(deps.database.db, acting.organisationId);
    return reply.view('contracts/list', {
      title: 'Contratti di scarico',
      me: request.account,
      mayDeclare: holds(acting.role, 'prepare'),
      contracts: contracts.map((contract) => ({
        ...contract,
        actions: contractActions(stateOf(contract), acting.organisationId, acting.role),
      })),
      notice,
      errors,
      consultant,
    });
  }

  /**
   * Runs a hand-over command on the contract, then back to the list; a refusal naming the
   * consultant's field is shown on that contract's card.
   */
  async function handOver<S extends z.ZodType>(
    request: FastifyRequest,
    reply: FastifyReply,
    streamId: string,
    schema: S,
    command: (form: z.output<S>) => Promise<ContractCommand>,
    outcome: string,
  ) {
    return submitForm(request, reply, deps.projections, {
      schema,
      run: async (form) => {
        const result = await handleCommand(
          deps.eventStore,
          contractDecider,
          streamId,
          await command(form),
          commandContext(request, deps.clock()),
        );
        return { position: result.position, redirect: `/contratti?esito=${outcome}` };
      },
      invalid: (errors, values) =>
        listPage(
          request,
          reply,
          { [contractStream.parse(streamId) ?? '']: Object.values(errors)[0] ?? '' },
          typeof values.consulente === 'string' ? values.consulente : undefined,
        ),
    });
  }

  const me = (request: FastifyRequest) => actingOf(request).organisationId;
  const role = (request: FastifyRequest) => actingOf(request).role;
  const readable = (state: ContractState, request: FastifyRequest) => mayRead(state, me(request));
  const offered = (state: ContractState, request: FastifyRequest) =>
    state.offeredTo === me(request);

  const steps = [
    ['gestisci', readable, 'ClaimContract', 'gestito'],
    ['rilascia', readable, 'ReleaseContract', 'rilasciato'],
    ['ritira-affidamento', readable, 'WithdrawContractOffer', 'ritirato'],
    ['accetta', offered, 'AcceptContract', 'accettato'],
    ['rifiuta', offered, 'DeclineContract', 'rifiutato'],
  ] as const;
  for (const [path, visible, type, outcome] of steps) {
    app.post(`/contratti/:numero/${path}`, declarants, async (request, reply) =>
      handOver(
        request,
        reply,
        await contractFor(request, visible),
        noFields,
        async () => ({ type, accountId: me(request), role: role(request) }),
        outcome,
      ),
    );
  }

  app.post('/contratti/:numero/affida', declarants, async (request, reply) =>
    handOver(
      request,
      reply,
      await contractFor(request, readable),
      offerSchema,
      async (form) => ({
        type: 'OfferContract',
        accountId: me(request),
        role: role(request),
        toAccountId: await activeConsultant(form.consulente),
      }),
      'offerto',
    ),
  );

  async function activeConsultant(username: string): Promise<string> {
    const consultantId = await offerableConsultant(deps.database.db, username);
    if (!consultantId) {
      throw new DomainError(
        'ConsultantUnknown',
        'validation',
        'Nessuno studio tecnico/consulente attivo con questo nome utente.',
        'consulente',
      );
    }
    return consultantId;
  }

  /** A contract this account may act on; any other number is "not found", never "forbidden". */
  async function contractFor(
    request: FastifyRequest,
    visible: (state: ContractState, request: FastifyRequest) => boolean,
  ): Promise<string> {
    const params = numberParams.safeParse(request.params);
    const streamId = params.success ? contractStream.id(params.data.numero) : null;
    const state = streamId
      ? (await readState(deps.eventStore, contractDecider, streamId)).state
      : null;
    if (!streamId || !state || state.status === 'none' || !visible(state, request)) {
      throw new DomainError('ContractUnknown', 'not-found', 'Contratto non trovato.');
    }
    return streamId;
  }
}
