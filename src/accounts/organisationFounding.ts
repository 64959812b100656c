import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import type { ProcessManager } from '../platform/subscriptions/projection.js';

/**
 * Accounts accepted before people had roles become organisations with their registrant as the one
 * administrator, by events: from the start of the log, each acceptance (or invitation of a company)
 * forms its organisation once. Newer acceptances form it themselves, so here nothing is added; the
 * command id comes from the accepting event, so a replay adds nothing either.
 */
export function organisationFounding(deps: { store: EventStore; now: () => Date }): ProcessManager {
  return {
    name: 'organisation_founding',
    follows: (event) =>
      (event.type === 'RegistrationApproved' || event.type === 'CompanyInvited') &&
      accountStream.holds(event),
    async handle(events) {
      for (const event of events) {
        if (event.type !== 'RegistrationApproved' && event.type !== 'CompanyInvited') continue;
        if (!accountStream.holds(event)) continue;
        await handleCommand(
          deps.store,
          accountDecider,
          event.streamId,
          { type: 'FormOrganisation' },
          {
            commandId: `${event.metadata.eventId}:form-organisation`,
            correlationId: event.metadata.correlationId,
            actor: { id: 'system', role: 'system' },
            clientIp: null,
            now: deps.now(),
          },
        );
      }
    },
  };
}
