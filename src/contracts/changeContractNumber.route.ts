import { mustHold } from '../../domain/accounts/members.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { mayRead, type ContractState } from '../../domain/contracts/contract.js';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { actingOf, commandContext, requireRole } from '../accounts/auth.js';
import { passwordRefusal, withPasswordError } from '../accounts/reauthentication.js';
import type { AreaDeps } from '../deps.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import { refuseIfAny, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { pairKey, pairsNotInRegistry } from '../registry/registry.js';
import { changeContractNumberSchema } from './changeContractNumber.schema.js';

const numberParams = z.object({ numero: z.string().regex(/^\d{10}$/) });

/** Whether no contract of the portal has this number (a rejected declaration leaves it free). */
export async function contractNumberFree(store: EventStore, contractNumber: string) {
  // Reads the stream: a command decides on it, so a number taken a moment ago counts as taken.
  const { state } = await readState(store, contractDecider, contractStream.id(contractNumber));
  return state.status === 'none' || state.status === 'rejected';
}

/** A wrong contract number corrected (seed): asked by the declarant, validated by an operator. */
export function changeContractNumberRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const declarants = { preHandler: requireRole('declarant') };

  app.get('/contratti/:numero/cambio-numero', declarants, async (request, reply) => {
    const { number, state } = await readableContract(request);
    mustHold(actingOf(request).role, 'prepare');
    return render(reply, number, state, {}, {});
  });

  app.post('/contratti/:numero/cambio-numero', declarants, async (request, reply) => {
    const { number, state } = await readableContract(request);
    // Counted as a re-authentication: guesses from an open session are limited and recorded.
    const checkPassword = (password: string) =>
      passwordRefusal(deps, request, password, deps.clock(), 'La password attuale non è corretta.');
    return submitForm(request, reply, deps.projections, {
      schema: changeContractNumberSchema,
      run: async (form) => {
        const acting = actingOf(request);
        const pair = {
          customerCode: state.customerCode ?? '',
          contractNumber: form.newContractNumber,
        };
        const command = {
          type: 'RequestContractNumberChange' as const,
          accountId: acting.organisationId,
          role: acting.role,
          newContractNumber: form.newContractNumber,
          inRegistry: !(await pairsNotInRegistry(deps.database.db, [pair])).has(pairKey(pair)),
          newNumberFree: await contractNumberFree(deps.eventStore, form.newContractNumber),
        };
        const wrong = await checkPassword(form.currentPassword);
        const errors: FieldErrors = wrong ? { currentPassword: wrong } : {};
        // The rules and the password are both shown, each beside its field.
        try {
          contractDecider.decide(command, state);
        } catch (error) {
          if (!(error instanceof DomainError) || error.kind === 'not-found') throw error;
          errors[error.field ?? '_form'] = error.message;
        }
        refuseIfAny(errors);
        const result = await handleCommand(
          deps.eventStore,
          contractDecider,
          contractStream.id(number),
          command,
          commandContext(request, deps.clock()),
        );
        return { position: result.position, redirect: '/contratti?esito=cambio-richiesto' };
      },
      invalid: async (errors, values) =>
        render(
          reply,
          number,
          state,
          values,
          await withPasswordError(errors, values, checkPassword),
        ),
    });
  });

  function render(
    reply: FastifyReply,
    number: string,
    state: ContractState,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    return reply.view('contracts/changeNumber', {
      title: `Cambia il numero del contratto ${number}`,
      contractNumber: number,
      contract: state,
      values,
      errors,
    });
  }

  /** Only the company and the manager see the page; any other number is "not found". */
  async function readableContract(request: FastifyRequest) {
    const params = numberParams.safeParse(request.params);
    const number = params.success ? params.data.numero : null;
    // Reads the stream: the POST checks its command against this same state before handling it.
    const state = number
      ? (await readState(deps.eventStore, contractDecider, contractStream.id(number))).state
      : null;
    if (
      !number ||
      !state ||
      state.status === 'none' ||
      !mayRead(state, actingOf(request).organisationId)
    )
      throw new DomainError('ContractUnknown', 'not-found', 'Contratto non trovato.');
    return { number, state };
  }
}
