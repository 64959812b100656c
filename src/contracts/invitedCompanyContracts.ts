import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import type { Schema } from '../platform/db/schema.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore, RecordedEvent } from '../platform/eventStore/eventStore.js';
import type { ProcessManager } from '../platform/subscriptions/projection.js';
import { refusalsLogged } from './registrationContracts.js';

type Logger = Pick<FastifyBaseLogger, 'warn'>;
interface Deps {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly logger: Logger;
}

/**
 * An invited company owns the contracts of its customer code: it sees them, and the documents
 * filed for them, and may take their management over. The process manager remembers, in log
 * order, each customer code's contracts and its invited account (its own two tables, not a view
 * that may lag), so a contract declared just before the invitation, or any time after it, is
 * linked all the same. Command ids come from the event that completes the pair; a rule's refusal
 * (the contract has another owner) is logged and skipped.
 */
export function invitedCompanyContracts(deps: Deps): ProcessManager {
  return {
    name: 'invited_company_contracts',
    follows: (event) =>
      event.type === 'CompanyInvited' ||
      ((event.type === 'ContractDeclared' || event.type === 'ContractRenumbered') &&
        contractStream.holds(event)),
    async handle(events) {
      for (const event of events) {
        if (event.type === 'CompanyInvited') await invited(deps, event);
        else if (
          (event.type === 'ContractDeclared' || event.type === 'ContractRenumbered') &&
          contractStream.holds(event)
        )
          await declared(deps, event);
      }
    },
  };
}

async function invited(deps: Deps, event: RecordedEvent): Promise<void> {
  const { accountId, customerCode } = event.data as { accountId: string; customerCode: string };
  await deps.db
    .insertInto('invitation_companies')
    .values({ customer_code: customerCode, account_id: accountId })
    .onConflict((oc) => oc.column('customer_code').doNothing())
    .execute();
  const contracts = await deps.db
    .selectFrom('invitation_customer_contracts')
    .select('contract_number')
    .where('customer_code', '=', customerCode)
    .orderBy('contract_number')
    .execute();
  for (const { contract_number: contractNumber } of contracts) {
    await link(deps, event, { accountId, customerCode, contractNumber }, `own:${contractNumber}`);
  }
}

async function declared(deps: Deps, event: RecordedEvent): Promise<void> {
  const { contractNumber, customerCode } = event.data as {
    contractNumber: string;
    customerCode: string;
  };
  await deps.db
    .insertInto('invitation_customer_contracts')
    .values({ customer_code: customerCode, contract_number: contractNumber })
    .onConflict((oc) => oc.columns(['customer_code', 'contract_number']).doNothing())
    .execute();
  const company = await deps.db
    .selectFrom('invitation_companies')
    .select('account_id')
    .where('customer_code', '=', customerCode)
    .executeTakeFirst();
  if (company) {
    // The invitation already decided; the portal itself applies it to the new contract.
    await link(
      deps,
      event,
      { accountId: company.account_id, customerCode, contractNumber },
      'own',
      {
        actor: { id: 'system', role: 'system' },
        clientIp: null,
      },
    );
  }
}

async function link(
  deps: Deps,
  cause: RecordedEvent,
  pair: { accountId: string; customerCode: string; contractNumber: string },
  step: string,
  as: Pick<CommandContext, 'actor' | 'clientIp'> = cause.metadata,
): Promise<void> {
  const { accountId, customerCode, contractNumber } = pair;
  await refusalsLogged(deps.logger, { contractNumber, accountId }, () =>
    handleCommand(
      deps.store,
      contractDecider,
      contractStream.id(contractNumber),
      { type: 'LinkContractOwner', ownerAccountId: accountId, customerCode },
      {
        commandId: `${cause.metadata.eventId}:${step}`,
        correlationId: cause.metadata.correlationId,
        actor: as.actor,
        clientIp: as.clientIp,
        now: new Date(cause.metadata.occurredAt),
      },
    ),
  );
}
