import type { FastifyBaseLogger } from 'fastify';
import type { CompanyDeclaration, DeclarantKind } from '../../domain/accounts/accountEvents.js';
import { contractDecider, contractStreamId } from '../../domain/contracts/contractDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { handleCommand, type CommandContext } from '../eventStore/commandHandler.js';
import type { EventStore, RecordedEvent } from '../eventStore/eventStore.js';
import type { ProcessManager } from '../projections/projection.js';

/** The note of validations that come with a registration: the approval mail already told. */
export const validatedWithRegistration = 'Convalidato con la registrazione';

/**
 * When an operator approves a registration, each contract it declared gets its own stream,
 * declared by the referent and validated by that operator (who checked it against the registry).
 * Command ids come from the approval event, so a replay changes nothing.
 */
export function registrationContracts(deps: {
  store: EventStore;
  logger: Pick<FastifyBaseLogger, 'warn'>;
}): ProcessManager {
  return {
    name: 'registration_contracts',
    async handle(events) {
      for (const event of events) {
        if (event.type === 'RegistrationApproved' && event.streamId.startsWith('account-')) {
          await declareContractsOf(deps, event);
        }
      }
    },
  };
}

async function declareContractsOf(
  deps: { store: EventStore; logger: Pick<FastifyBaseLogger, 'warn'> },
  approval: RecordedEvent,
): Promise<void> {
  const { events } = await deps.store.readStream(approval.streamId, {
    toVersion: approval.version,
  });
  const registered = events.find((event) => event.type === 'ReferentRegistered')?.data as
    { accountId: string; kind: DeclarantKind; companies: CompanyDeclaration[] } | undefined;
  if (!registered) return;
  const declaredBy = { accountId: registered.accountId, kind: registered.kind };
  for (const company of registered.companies) {
    for (const contract of company.contracts) {
      const { contractNumber, ...plant } = contract;
      const streamId = contractStreamId(contractNumber);
      const context = (step: string): CommandContext => ({
        commandId: `${approval.metadata.eventId}:${step}:${contractNumber}`,
        correlationId: approval.metadata.correlationId,
        actor: approval.metadata.actor,
        clientIp: approval.metadata.clientIp,
        now: new Date(approval.metadata.occurredAt),
      });
      try {
        const declared = await handleCommand(
          deps.store,
          contractDecider,
          streamId,
          {
            type: 'DeclareContract',
            contractNumber,
            customerCode: company.customerCode,
            companyName: company.name,
            plant,
            declaredBy,
            inRegistry: true,
          },
          context('declare'),
        );
        if (declared.state.status === 'pending') {
          await handleCommand(
            deps.store,
            contractDecider,
            streamId,
            { type: 'ValidateContract', note: validatedWithRegistration },
            context('validate'),
          );
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // A business refusal (another consultant manages it) is an outcome, not a failure.
        deps.logger.warn(
          { contractNumber, accountId: registered.accountId, code: error.code },
          error.message,
        );
      }
    }
  }
}
