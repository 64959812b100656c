import type { Kysely } from 'kysely';
import { contractDecider, contractStreamId } from '../../domain/contracts/contractDecider.js';
import type { Schema } from '../db/schema.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import type { EventStore } from '../eventStore/eventStore.js';
import type { ProcessManager } from '../projections/projection.js';

/**
 * An invited company owns the contracts of its customer code: it sees them, and the documents
 * filed for them, and may take their management over. Command ids come from the invitation.
 */
export function invitedCompanyContracts(deps: {
  db: Kysely<Schema>;
  store: EventStore;
}): ProcessManager {
  return {
    name: 'invited_company_contracts',
    async handle(events) {
      for (const event of events) {
        if (event.type !== 'CompanyInvited') continue;
        const { accountId, customerCode } = event.data as {
          accountId: string;
          customerCode: string;
        };
        const contracts = await deps.db
          .selectFrom('contracts')
          .selectAll()
          .where('customer_code', '=', customerCode)
          .execute();
        for (const contract of contracts) {
          await handleCommand(
            deps.store,
            contractDecider,
            contractStreamId(contract.contract_number),
            {
              type: 'DeclareContract',
              contractNumber: contract.contract_number,
              customerCode,
              companyName: contract.company_name,
              plant: contract.plant,
              declaredBy: { accountId, kind: 'ditta' },
              inRegistry: true,
            },
            {
              commandId: `${event.metadata.eventId}:own:${contract.contract_number}`,
              correlationId: event.metadata.correlationId,
              actor: event.metadata.actor,
              clientIp: event.metadata.clientIp,
              now: new Date(event.metadata.occurredAt),
            },
          );
        }
      }
    },
  };
}
