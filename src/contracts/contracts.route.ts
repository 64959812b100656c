import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  contractDecider,
  contractStreamId,
  type ContractCommand,
} from '../../domain/contracts/contractDecider.js';
import { mayRead } from '../../domain/contracts/contract.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { findAccountByUsername } from '../../projections/accounts/accounts.js';
import { contractsWithManagers } from '../../projections/contracts/contracts.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { handleCommand, readState } from '../eventStore/commandHandler.js';
import { seeOther } from '../http/views.js';

const numberParams = z.object({ numero: z.string().regex(/^\d{10}$/) });
const outcomes: Record<string, string> = {
  gestito:
    'Ora la ditta gestisce le dichiarazioni di questo contratto; il consulente è stato avvisato.',
  rilasciato: 'Contratto rilasciato: la gestione torna alla ditta intestataria.',
  dichiarato:
    'Contratto inviato agli operatori: potrai caricarne la dichiarazione dopo la convalida.',
};

/** The declarant's contracts, who manages them, and the hand-overs between company and consultant. */
export function contractRoutes(app: FastifyInstance, deps: AppDeps): void {
  const declarants = { preHandler: requireRole('declarant') };

  app.get('/contratti', declarants, async (request, reply) => {
    const me = request.account!;
    const { esito } = request.query as { esito?: string };
    return reply.view('contracts/list', {
      title: 'Contratti di scarico',
      me,
      contracts: await contractsWithManagers(deps.database.db, me.accountId),
      notice: esito ? outcomes[esito] : undefined,
    });
  });

  /** Runs a hand-over command on the contract, waits for the pages to show it, then goes back. */
  async function handOver(
    request: FastifyRequest,
    reply: FastifyReply,
    streamId: string,
    command: ContractCommand,
    outcome: string,
  ) {
    const result = await handleCommand(
      deps.eventStore,
      contractDecider,
      streamId,
      command,
      commandContext(request, deps.clock()),
    );
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, `/contratti?esito=${outcome}`);
  }

  app.post('/contratti/:numero/gestisci', declarants, async (request, reply) =>
    handOver(
      request,
      reply,
      await readableContract(request),
      { type: 'ClaimContract', accountId: request.account!.accountId },
      'gestito',
    ),
  );

  app.post('/contratti/:numero/rilascia', declarants, async (request, reply) =>
    handOver(
      request,
      reply,
      await readableContract(request),
      { type: 'ReleaseContract', accountId: request.account!.accountId },
      'rilasciato',
    ),
  );

  app.post('/contratti/:numero/affida', declarants, async (request, reply) => {
    const streamId = await readableContract(request);
    const { consulente } = (request.body ?? {}) as { consulente?: string };
    const consultant = consulente
      ? await findAccountByUsername(deps.database.db, consulente)
      : null;
    if (!consultant || consultant.kind !== 'studio' || consultant.status !== 'active') {
      throw new DomainError(
        'ConsultantUnknown',
        'validation',
        'Nessuno studio tecnico/consulente attivo con questo nome utente.',
      );
    }
    const command = {
      type: 'OfferContract' as const,
      accountId: request.account!.accountId,
      toAccountId: consultant.accountId,
    };
    return handOver(request, reply, streamId, command, 'offerto');
  });

  app.post('/contratti/:numero/accetta', declarants, async (request, reply) =>
    handOver(
      request,
      reply,
      await offeredContract(request),
      { type: 'AcceptContract', accountId: request.account!.accountId },
      'accettato',
    ),
  );

  /** A contract offered to this account (it may not read it yet). */
  async function offeredContract(request: FastifyRequest): Promise<string> {
    const params = numberParams.safeParse(request.params);
    const streamId = params.success ? contractStreamId(params.data.numero) : null;
    const state = streamId
      ? (await readState(deps.eventStore, contractDecider, streamId)).state
      : null;
    if (!streamId || state?.offeredTo !== request.account!.accountId) {
      throw new DomainError('ContractUnknown', 'not-found', 'Contratto non trovato.');
    }
    return streamId;
  }

  /** A contract this account may see; any other number is "not found", never "forbidden". */
  async function readableContract(request: FastifyRequest): Promise<string> {
    const params = numberParams.safeParse(request.params);
    const streamId = params.success ? contractStreamId(params.data.numero) : null;
    const state = streamId
      ? (await readState(deps.eventStore, contractDecider, streamId)).state
      : null;
    if (!streamId || !state || !mayRead(state, request.account!.accountId)) {
      throw new DomainError('ContractUnknown', 'not-found', 'Contratto non trovato.');
    }
    return streamId;
  }
}
