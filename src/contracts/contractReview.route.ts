import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  contractDecider,
  contractStream,
  type ContractCommand,
} from '../../domain/contracts/contractDecider.js';
import { plantAddress } from '../../domain/contracts/changePlantAddress.js';
import { accountContacts } from '../../projections/accounts/accountQueries.js';
import { operatorQueue, type QueueItem } from '../../projections/contracts/contracts.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AreaDeps } from '../deps.js';
import { contractNumberFree } from './changeContractNumber.route.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import { noFields, noticeOf, paramsOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { paragraph } from '../platform/http/text.js';
import { registryEntries } from '../registry/registry.js';

const numberParams = z.object({ numero: z.string().regex(/^\d{10}$/) });
const rejectSchema = z.object({
  reason: paragraph(1000).min(5, 'Indicare il motivo (almeno 5 caratteri).'),
});
const outcomes: Record<string, string> = {
  convalidato: 'Contratto convalidato: il referente riceverà una e-mail.',
  respinto: 'Contratto respinto: il referente riceverà una e-mail con il motivo.',
  'intestazione-convalidata':
    'Intestazione convalidata: la ditta riceverà una e-mail e potrà prendere in gestione il contratto.',
  'intestazione-respinta': 'Intestazione respinta: la ditta riceverà una e-mail con il motivo.',
  'cambio-convalidato':
    'Cambio di numero convalidato: il contratto prosegue con il nuovo numero; il referente riceverà una e-mail.',
  'cambio-respinto': 'Cambio di numero respinto: il referente riceverà una e-mail con il motivo.',
  'indirizzo-convalidato':
    'Nuovo indirizzo dello stabilimento convalidato: il referente riceverà una e-mail.',
  'indirizzo-respinto':
    'Nuovo indirizzo dello stabilimento respinto: il referente riceverà una e-mail con il motivo.',
};

/** What an operator decides, per kind of request: the URL segment, the commands, the outcomes. */
const decisions = {
  contract: {
    path: '',
    validated: 'convalidato',
    rejected: 'respinto',
    rejection: 'RejectContract',
  },
  owner: {
    path: '/intestazione',
    validated: 'intestazione-convalidata',
    rejected: 'intestazione-respinta',
    rejection: 'RejectContractOwner',
  },
  number: {
    path: '/cambio-numero',
    validated: 'cambio-convalidato',
    rejected: 'cambio-respinto',
    rejection: 'RejectContractNumberChange',
  },
  plant: {
    path: '/indirizzo',
    validated: 'indirizzo-convalidato',
    rejected: 'indirizzo-respinto',
    rejection: 'RejectPlantAddressChange',
  },
} as const;
type Kind = keyof typeof decisions;

/** Key of a queue item's form errors: `owner:3001234567`. */
const itemKey = (kind: Kind, contractNumber: string) => `${kind}:${contractNumber}`;

/**
 * The operators' queue: contracts declared after registration, Ditte asking to be a contract's
 * owner, changed contract numbers and plant addresses; each with what the registry says, validated
 * or rejected.
 */
export function contractReviewRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const { db } = deps.database;
  const staffOnly = { preHandler: requireRole('operator', 'admin') };

  const page = async (extra: { errors?: Record<string, FieldErrors>; notice?: string }) => {
    const items = await operatorQueue(db);
    const pairs = items.map((item) => ({
      customerCode: item.contract.customerCode,
      contracts: [
        {
          contractNumber:
            item.kind === 'number' ? item.newContractNumber : item.contract.contractNumber,
        },
      ],
    }));
    return {
      title: 'Contratti da convalidare',
      items,
      plantAddress,
      registry: await registryEntries(db, pairs),
      people: await requesters(items),
      errors: {},
      ...extra,
    };
  };

  /** Who asked, with the customer codes an operator already accepted for them. */
  async function requesters(items: readonly QueueItem[]) {
    const ids = items.flatMap((item) =>
      item.kind === 'owner' ? [item.accountId] : item.kind === 'contract' ? [] : [item.requestedBy],
    );
    const contacts = await accountContacts(db, [...new Set(ids)]);
    return Object.fromEntries(
      contacts.map(({ accountId, fullName, username, email, customerCodes }) => [
        accountId,
        { name: fullName, username, email, customerCodes },
      ]),
    );
  }

  app.get('/operatori/contratti', staffOnly, async (request, reply) =>
    reply.view('contracts/review', await page({ notice: noticeOf(request, outcomes) })),
  );

  /** Validating or rejecting one request of the queue: its command, then back to the queue. */
  function decisionRoute<S extends z.ZodType>(
    kind: Kind,
    action: 'convalida' | 'respingi',
    schema: S,
    command: (form: z.output<S>, number: string) => Promise<ContractCommand>,
  ) {
    const { path, validated, rejected } = decisions[kind];
    const esito = action === 'convalida' ? validated : rejected;
    app.post(`/operatori/contratti/:numero${path}/${action}`, staffOnly, async (request, reply) => {
      const number = paramsOf(numberParams, request).numero;
      return submitForm(request, reply, deps.projections, {
        schema,
        run: async (form) => ({
          position: await decide(request, number, await command(form, number)),
          redirect: `/operatori/contratti?esito=${esito}`,
        }),
        invalid: async (errors) =>
          reply.view(
            'contracts/review',
            await page({ errors: { [itemKey(kind, number)]: errors } }),
          ),
      });
    });
  }

  for (const kind of Object.keys(decisions) as Kind[]) {
    decisionRoute(kind, 'convalida', noFields, (_form, number) => validation(kind, number));
    decisionRoute(kind, 'respingi', rejectSchema, async ({ reason }) => ({
      type: decisions[kind].rejection,
      reason,
    }));
  }

  /** The command validating a request of this kind. */
  async function validation(kind: Kind, number: string): Promise<ContractCommand> {
    if (kind === 'contract') return { type: 'ValidateContract', note: null };
    if (kind === 'owner') return { type: 'ValidateContractOwner', note: null };
    if (kind === 'plant') return { type: 'ValidatePlantAddressChange' };
    return { type: 'ValidateContractNumberChange', newNumberFree: await newNumberFree(number) };
  }

  /** The number asked for, free of any other contract at the moment the operator decides. */
  async function newNumberFree(number: string): Promise<boolean> {
    // Reads the stream: the number asked for must be the one the command is about to validate.
    const { state } = await readState(deps.eventStore, contractDecider, contractStream.id(number));
    const asked = state.numberChange?.newContractNumber;
    return asked ? contractNumberFree(deps.eventStore, asked) : true;
  }

  /** One decision on the contract's stream: the position its pages must show. */
  async function decide(request: FastifyRequest, number: string, command: ContractCommand) {
    const result = await handleCommand(
      deps.eventStore,
      contractDecider,
      contractStream.id(number),
      command,
      commandContext(request, deps.clock()),
    );
    return result.position;
  }
}
