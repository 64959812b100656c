import { treeHeadsStream } from '../../domain/audit/treeHeads.js';
import { signInStream, unknownAccount } from '../../domain/accounts/signIns.js';
import { protocolRegisterStream } from '../../domain/declarations/protocolNumber.js';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { usernameDecider, usernameStream } from '../../domain/accounts/usernameClaim.js';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import { campaignDecider, campaignStream } from '../../domain/campaigns/campaign.js';
import {
  contractLimitsDecider,
  contractLimitsStream,
} from '../../domain/campaigns/contractLimits.js';
import {
  declarationDraftDecider,
  declarationDraftStream,
} from '../../domain/declarations/declarationDraft.js';
import { monthlyFlowDecider, flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import {
  officerDecider,
  municipalityStream,
} from '../../domain/observatory/municipalityOfficer.js';
import {
  observatoryAdminsDecider,
  observatoryAdminsStream,
} from '../../domain/observatory/observatoryAdmins.js';
import {
  officerPersonHistory,
  officerPersonStream,
} from '../../domain/observatory/officerPerson.js';
import { apiTokensDecider, apiTokensStream } from '../../domain/observatory/apiTokens.js';
import {
  yearStream,
  yearValidationDecider,
} from '../../domain/observatory/yearValidationDecider.js';
import type { Decider, DomainEvent } from '../../domain/shared/decider.js';
import { digitalIdentityStream } from '../../domain/observatory/digitalIdentityEvents.js';
import {
  reminderChoiceDecider,
  reminderChoiceStream,
  reminderDecider,
  reminderStream,
} from '../../domain/reminders/reminderEvents.js';
import { registryStream } from '../registry/importRegistry.js';
import { exportsStream } from './exportRecord.js';
import { operationsStream } from './projectionStatus.js';
import { verificationsStream } from './verifyIntegrity.js';

/** What replaying needs from a decider, with the stream's own types forgotten. */
export type Replayer = Pick<Decider<unknown, never, DomainEvent>, 'evolve' | 'initialState'>;

const replayer = <State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
): Replayer => ({
  initialState: () => decider.initialState(),
  evolve: (state, event) => decider.evolve(state as State, event as Event),
});

export interface StreamKind {
  readonly kind: string;
  /** The stream ids of this kind: this prefix, or exactly this id when `exact`. */
  readonly prefix: string;
  readonly exact?: boolean;
  readonly label: string;
  /** The decider whose `evolve` rebuilds the entity; null when the stream has none. */
  readonly replayer: Replayer | null;
}

/** Every kind of stream the portal writes, most specific prefix first. */
export const streamKinds: readonly StreamKind[] = [
  {
    kind: 'contract',
    prefix: contractStream.prefix,
    label: 'Contratto di scarico',
    replayer: replayer(contractDecider),
  },
  {
    kind: 'discharge-limits',
    prefix: contractLimitsStream.prefix,
    label: 'Limiti allo scarico del contratto',
    replayer: replayer(contractLimitsDecider),
  },
  {
    kind: 'declaration-draft',
    prefix: declarationDraftStream.prefix,
    label: 'Bozza della dichiarazione',
    replayer: replayer(declarationDraftDecider),
  },
  {
    kind: 'account',
    prefix: accountStream.prefix,
    label: 'Account',
    replayer: replayer(accountDecider),
  },
  {
    kind: 'campaign',
    prefix: campaignStream.prefix,
    label: 'Campagna delle dichiarazioni',
    replayer: replayer(campaignDecider),
  },
  {
    kind: 'waste-flow',
    prefix: flowStream.prefix,
    label: 'Flussi mensili dei rifiuti',
    replayer: replayer(monthlyFlowDecider),
  },
  {
    kind: 'municipality',
    prefix: municipalityStream.prefix,
    label: 'Utente del comune (Osservatorio)',
    replayer: replayer(officerDecider),
  },
  {
    kind: 'observatory-year',
    prefix: yearStream.prefix,
    label: 'Validazione annuale del comune (Osservatorio)',
    replayer: replayer(yearValidationDecider),
  },
  {
    kind: 'observatory-person',
    prefix: officerPersonStream.prefix,
    label: 'Codice fiscale associato a un comune (Osservatorio)',
    replayer: replayer(officerPersonHistory),
  },
  {
    kind: 'observatory-admins',
    prefix: observatoryAdminsStream.id(),
    exact: true,
    label: "Amministratori dell'Osservatorio",
    replayer: replayer(observatoryAdminsDecider),
  },
  {
    kind: 'observatory-api-tokens',
    prefix: apiTokensStream.prefix,
    label: 'Token API del comune (Osservatorio)',
    replayer: replayer(apiTokensDecider),
  },
  {
    kind: 'username',
    prefix: usernameStream.prefix,
    label: 'Nome utente riservato',
    replayer: replayer(usernameDecider),
  },
  {
    kind: 'protocol-register',
    prefix: protocolRegisterStream.prefix,
    label: 'Registro di protocollo',
    replayer: null,
  },
  {
    kind: 'registry',
    prefix: registryStream.id(),
    exact: true,
    label: 'Importazioni dell’anagrafica clienti',
    replayer: null,
  },
  {
    kind: 'digital-identity',
    prefix: digitalIdentityStream.prefix,
    label: 'Identità digitale (SPID/CIE)',
    replayer: null,
  },
  // src/accounts/login.route.ts: sign-ins, failures and sign-outs of one account, and failures
  // with a username nobody has.
  {
    kind: 'signin-unknown',
    prefix: signInStream.id(unknownAccount),
    exact: true,
    label: 'Accessi non riusciti con nome utente sconosciuto',
    replayer: null,
  },
  { kind: 'signin', prefix: signInStream.prefix, label: 'Accessi dell’account', replayer: null },
  {
    kind: 'audit-verifications',
    prefix: verificationsStream.id(),
    exact: true,
    label: 'Verifiche di integrità',
    replayer: null,
  },
  {
    kind: 'audit-exports',
    prefix: exportsStream.id(),
    exact: true,
    label: 'Esportazioni degli eventi',
    replayer: null,
  },
  {
    kind: 'audit-operations',
    prefix: operationsStream.id(),
    exact: true,
    label: 'Ricostruzioni delle proiezioni',
    replayer: null,
  },
  // src/reminders/runReminders.ts: one stream per reminder sent, and each subject's choice.
  {
    kind: 'reminder',
    prefix: reminderStream.prefix,
    label: 'Promemoria inviato',
    replayer: replayer(reminderDecider),
  },
  {
    kind: 'reminder-choice',
    prefix: reminderChoiceStream.prefix,
    label: 'Scelta sui promemoria',
    replayer: replayer(reminderChoiceDecider),
  },
  // src/audit/treeHeadSigning.ts: the log's signed Merkle tree heads.
  {
    kind: 'transparency-heads',
    prefix: treeHeadsStream.id(),
    exact: true,
    label: 'Teste firmate dell’albero del registro',
    replayer: null,
  },
];

const otherKind: StreamKind = { kind: 'other', prefix: '', label: 'Flusso', replayer: null };

export function streamKindOf(streamId: string): StreamKind {
  return (
    streamKinds.find((kind) =>
      kind.exact ? streamId === kind.prefix : streamId.startsWith(kind.prefix),
    ) ?? otherKind
  );
}

/** "Contratto di scarico 3001234567": the kind's label and what follows the prefix. */
export function streamTitle(streamId: string): string {
  const kind = streamKindOf(streamId);
  const rest = kind.exact ? '' : streamId.slice(kind.prefix.length);
  return rest ? `${kind.label} ${rest}` : kind.label;
}
