import { otpCodes } from './accounts/otpCodes.js';
import type { FastifyBaseLogger } from 'fastify';
import { invitedCompanyContracts } from './contracts/invitedCompanyContracts.js';
import { registrationContracts } from './contracts/registrationContracts.js';
import { companyRenames } from './contracts/companyRenames.js';
import type { Kysely } from 'kysely';
import type { Schema } from './platform/db/schema.js';
import type { EventStore } from './platform/eventStore/eventStore.js';
import type { Subscriber } from './platform/subscriptions/projection.js';
import { declarationProtocols } from './declarations/completeSubmission.js';
import { campaignsProjection } from '../projections/campaigns/campaigns.js';
import { contractMailsProjection } from '../projections/contracts/contractMails.js';
import { declarationMailsProjection } from '../projections/declarations/declarationMails.js';
import { declarationsProjection } from '../projections/declarations/declarations.js';
import { digitalIdentitiesProjection } from '../projections/observatory/digitalIdentities.js';
import { observatoryMailsProjection } from '../projections/observatory/observatoryMails.js';
import { observatoryPeopleProjection } from '../projections/observatory/officers.js';
import { wasteFlowsProjection } from '../projections/observatory/wasteFlows.js';
import { apiTokensProjection } from '../projections/observatory/apiTokens.js';
import { yearValidationsProjection } from '../projections/observatory/yearValidations.js';
import { yearSendBacks } from './observatory/yearDecisions.js';
import { contractsProjection } from '../projections/contracts/contracts.js';
import { accountMailsProjection } from '../projections/accounts/accountMails.js';
import { accountsProjection } from '../projections/accounts/accounts.js';
import { refusedSignInsProjection } from '../projections/accounts/refusedSignIns.js';
import { memberInvitationsProjection } from '../projections/accounts/memberInvitations.js';
import { personalDataErasure } from './accounts/personalDataErasure.js';
import { organisationFounding } from './accounts/organisationFounding.js';
import { streamIndexProjection } from '../projections/audit/streamIndex.js';
import { merkleTreeProjection } from '../projections/audit/merkleTree.js';
import { treeHeadsProjection } from '../projections/audit/treeHeads.js';
import { eventLogCopyFor } from './audit/eventLogCopy.js';
import { headOrigin } from './audit/treeHeadSigning.js';
import { flowReceipts } from './observatory/flowReceipts.js';
import { remindersProjection } from '../projections/reminders/reminders.js';
import { reminderMailsProjection } from '../projections/reminders/reminderMails.js';
import { reminderLinks } from './reminders/reminderChoices.js';
import type { SealKey } from './platform/transparency/treeHead.js';
import type { HeadWitness } from './audit/headWitness.js';

export interface ProjectionDeps {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly logger: Pick<FastifyBaseLogger, 'warn'>;
  readonly cookieSecret: string;
  /** Known once the server listens (the port may be chosen then). */
  readonly publicUrl: () => string;
  readonly now: () => Date;
  /** Printed on the copies of record the declaration process manager renders. */
  readonly utilityName: string;
  /** Signs a head of the log's tree when a receipt needs one before the next minute's. */
  readonly seal: SealKey;
  readonly headWitness: HeadWitness;
}

/** Every read model, reactor and process manager; the runner and the rebuild CLI take them here. */
export function createProjections(deps: ProjectionDeps): Subscriber[] {
  const codes = otpCodes(deps.cookieSecret);
  const links = reminderLinks(deps.cookieSecret);
  const heads = {
    db: deps.db,
    store: deps.store,
    seal: deps.seal,
    origin: headOrigin(deps.utilityName),
    clock: deps.now,
    witness: deps.headWitness,
  };
  return [
    streamIndexProjection,
    merkleTreeProjection,
    treeHeadsProjection,
    accountsProjection,
    memberInvitationsProjection,
    personalDataErasure({ store: deps.store }),
    organisationFounding({ store: deps.store, now: deps.now }),
    refusedSignInsProjection,
    contractsProjection,
    registrationContracts({ store: deps.store, logger: deps.logger }),
    companyRenames({ db: deps.db, store: deps.store, logger: deps.logger }),
    invitedCompanyContracts({ db: deps.db, store: deps.store, logger: deps.logger }),
    accountMailsProjection({
      code: codes.code,
      token: codes.token,
      firstAccessPassword: codes.firstAccessPassword,
      publicUrl: deps.publicUrl,
      now: deps.now,
    }),
    contractMailsProjection({ publicUrl: deps.publicUrl, now: deps.now }),
    campaignsProjection,
    declarationsProjection,
    declarationProtocols({
      ...heads,
      utilityName: deps.utilityName,
      publicUrl: deps.publicUrl,
    }),
    declarationMailsProjection({ publicUrl: deps.publicUrl, now: deps.now, logger: deps.logger }),
    digitalIdentitiesProjection,
    observatoryPeopleProjection,
    wasteFlowsProjection,
    apiTokensProjection,
    yearValidationsProjection,
    yearSendBacks({ store: deps.store, logger: deps.logger }),
    observatoryMailsProjection({ publicUrl: deps.publicUrl, now: deps.now }),
    flowReceipts({ ...heads, publicUrl: deps.publicUrl }),
    remindersProjection,
    reminderMailsProjection({
      publicUrl: deps.publicUrl,
      now: deps.now,
      stopLink: (subject) => links.stopLink(deps.publicUrl(), subject),
    }),
    // With KurrentDB, the auditor section's copy of the log (none with the PostgreSQL store).
    ...eventLogCopyFor(deps.store),
  ];
}
