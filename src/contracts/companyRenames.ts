import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import type { AccountEvent } from '../../domain/accounts/accountEvents.js';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import { contractsOf } from '../../projections/contracts/contractQueries.js';
import type { Schema } from '../platform/db/schema.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import type { EventStore, Recorded } from '../platform/eventStore/eventStore.js';
import type { ProcessManager } from '../platform/subscriptions/projection.js';
import { refusalsLogged } from './registrationContracts.js';

/**
 * An operator validated a company's new identity («Modifica profilo»): each contract of that
 * customer code the organisation owns or manages takes the new Ragione sociale, as an event on the
 * contract's own stream. Command ids come from the operator's event, so a replay changes nothing.
 */
export function companyRenames(deps: {
  db: Kysely<Schema>;
  store: EventStore;
  logger: Pick<FastifyBaseLogger, 'warn'>;
}): ProcessManager {
  return {
    name: 'company_renames',
    follows: (event) => event.type === 'CompanyDetailsChanged' && accountStream.holds(event),
    async handle(events) {
      for (const event of events) {
        if (event.type !== 'CompanyDetailsChanged' || !accountStream.holds(event)) continue;
        const { data, metadata } = event as Recorded<
          Extract<AccountEvent, { type: 'CompanyDetailsChanged' }>
        >;
        if (data.details.name === data.previous.name) continue;
        const organisationId = accountStream.parse(event.streamId)!;
        const contracts = (await contractsOf(deps.db, organisationId)).filter(
          (row) => row.customerCode === data.customerCode && row.status !== 'renumbered',
        );
        for (const { contractNumber } of contracts) {
          await refusalsLogged(deps.logger, { contractNumber, organisationId }, () =>
            handleCommand(
              deps.store,
              contractDecider,
              contractStream.id(contractNumber),
              {
                type: 'RenameContractCompany',
                customerCode: data.customerCode,
                companyName: data.details.name,
              },
              {
                commandId: `${metadata.eventId}:rename:${contractNumber}`,
                correlationId: metadata.correlationId,
                actor: metadata.actor,
                clientIp: metadata.clientIp,
                now: new Date(metadata.occurredAt),
              },
            ),
          );
        }
      }
    },
  };
}
