import type { FastifyBaseLogger } from 'fastify';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import { validatedWithRegistration } from '../../domain/contracts/declareContract.js';
import type { CompanyDeclaration, DeclarantKind } from '../../domain/accounts/accountEvents.js';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore, RecordedEvent } from '../platform/eventStore/eventStore.js';
import type { ProcessManager } from '../platform/subscriptions/projection.js';
import { openRenumberedContract } from './renumberedContracts.js';

type Logger = Pick<FastifyBaseLogger, 'warn'>;

/**
 * Operators' decisions that open or fill contract streams. When an operator approves a
 * registration, each contract it declared gets its own stream, declared by the referent and
 * validated by that operator (who checked it against the registry); a Ditta's own contracts that a
 * consultant already manages become its own the same way. When an operator validates a changed
 * number, the new number's stream is opened from the old one. Command ids come from the operator's
 * event, so a replay changes nothing; a business refusal is logged and skipped.
 */
export function registrationContracts(deps: { store: EventStore; logger: Logger }): ProcessManager {
  return {
    name: 'registration_contracts',
    follows: (event) =>
      (event.type === 'RegistrationApproved' && accountStream.holds(event)) ||
      event.type === 'ContractNumberChanged',
    async handle(events) {
      for (const event of events) {
        if (event.type === 'RegistrationApproved' && accountStream.holds(event)) {
          await declareContractsOf(deps, event);
        } else if (event.type === 'ContractNumberChanged') {
          await refusalsLogged(deps.logger, { streamId: event.streamId }, () =>
            openRenumberedContract(deps.store, event),
          );
        }
      }
    },
  };
}

/** A rule's refusal is an outcome, not a failure: logged, and the process manager goes on. */
export async function refusalsLogged(
  logger: Logger,
  about: Record<string, string>,
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    logger.warn({ ...about, code: error.code }, error.message);
  }
}

async function declareContractsOf(
  deps: { store: EventStore; logger: Logger },
  approval: RecordedEvent,
): Promise<void> {
  const { events } = await deps.store.readStream(approval.streamId, {
    toVersion: approval.version,
  });
  const registered = events.find((event) => event.type === 'ReferentRegistered')?.data as
    { accountId: string; kind: DeclarantKind; companies: CompanyDeclaration[] } | undefined;
  if (!registered) return;
  const { accountId, kind } = registered;
  const declaredBy = { accountId, kind };
  // The operator approved the registration: a Ditta's companies are its own.
  const companyCustomerCodes =
    kind === 'ditta' ? registered.companies.map((company) => company.customerCode) : [];
  for (const company of registered.companies) {
    for (const contract of company.contracts) {
      const { contractNumber, ...plant } = contract;
      const streamId = contractStream.id(contractNumber);
      const context = (step: string): CommandContext => ({
        commandId: `${approval.metadata.eventId}:${step}:${contractNumber}`,
        correlationId: approval.metadata.correlationId,
        actor: approval.metadata.actor,
        clientIp: approval.metadata.clientIp,
        now: new Date(approval.metadata.occurredAt),
      });
      await refusalsLogged(deps.logger, { contractNumber, accountId }, async () => {
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
            // Declared at registration by its registrant, the organisation's first administrator.
            role: 'amministratore',
            inRegistry: true,
            companyCustomerCodes,
          },
          context('declare'),
        );
        const note = validatedWithRegistration;
        if (declared.state.status === 'pending') {
          await handleCommand(
            deps.store,
            contractDecider,
            streamId,
            { type: 'ValidateContract', note },
            context('validate'),
          );
        }
        if (declared.state.ownerRequest?.accountId === accountId) {
          await handleCommand(
            deps.store,
            contractDecider,
            streamId,
            { type: 'ValidateContractOwner', note },
            context('validate-owner'),
          );
        }
      });
    }
  }
}
