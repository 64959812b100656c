import { mustHold } from '../../domain/accounts/members.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  contractDecider,
  contractStream,
  type ContractCommand,
} from '../../domain/contracts/contractDecider.js';
import type { DeclarantKind } from '../../domain/accounts/accountEvents.js';
import { registryMismatch } from '../../domain/contracts/declareContract.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { municipalitiesOf, provinces } from '../../domain/shared/territory.js';
import type { AccountRow } from '../../projections/accounts/accounts.js';
import { contractsManagedByOthers } from '../../projections/contracts/contracts.js';
import { actingOf, commandContext, organisationOf, requireRole } from '../accounts/auth.js';
import { verifyPassword } from '../accounts/passwords.js';
import type { AreaDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { FormRefused, queryOf, refuseIfAny, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { pairKey, pairsNotInRegistry } from '../registry/registry.js';
import { declareContractSchema } from './declareContract.schema.js';

const companyQuery = z.object({
  ditta: z
    .string()
    .regex(/^\d{10}$/)
    .optional()
    .catch(undefined),
});
const provinceOptions = provinces().map((p) => ({ value: p.code, label: p.name }));
const numberField = 'contract[contractNumber]';
type DeclareContractForm = z.output<typeof declareContractSchema>;
type DeclareContract = Extract<ContractCommand, { type: 'DeclareContract' }>;
const kindOf = (me: AccountRow): DeclarantKind => (me.kind === 'ditta' ? 'ditta' : 'studio');
const notOwnCustomerCode =
  'Una ditta può aggiungere solo i contratti del proprio codice cliente: questo codice cliente non è tra quelli della ditta.';

/** A contract (of a company already managed, or of a new one) declared after registration. */
export function declareContractRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const { db } = deps.database;
  const declarants = { preHandler: requireRole('declarant') };

  app.get('/contratti/nuovo', declarants, async (request, reply) => {
    mustHold(actingOf(request).role, 'prepare');
    // «+ Aggiungi contratto» of a company on «Modifica profilo»: the company filled in.
    const { ditta } = queryOf(companyQuery, request);
    const company = (await organisationOf(db, request)).companies.find(
      (c) => c.customerCode === ditta,
    );
    const values = company ? { customerCode: company.customerCode, companyName: company.name } : {};
    return render(request, reply, { ...values, contract: {} }, {});
  });

  app.post('/contratti/nuovo', declarants, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: declareContractSchema,
      run: async (form) => {
        const me = request.account!;
        const organisation = await organisationOf(db, request);
        const kind = kindOf(organisation);
        // A Ditta's own customer codes are those an operator accepted (registration or invitation).
        const companyCustomerCodes =
          kind === 'ditta' ? organisation.companies.map((c) => c.customerCode) : [];
        refuseIfAny(await refusals(me, kind, form, companyCustomerCodes));
        const { contractNumber, ...plant } = form.contract;
        const command = {
          type: 'DeclareContract' as const,
          contractNumber,
          customerCode: form.customerCode,
          companyName: form.companyName,
          plant,
          declaredBy: { accountId: organisation.accountId, kind },
          role: actingOf(request).role,
          inRegistry: true,
          companyCustomerCodes,
        };
        const result = await declare(request, command);
        const outcome = result.events.some((event) => event.type === 'ContractOwnershipRequested')
          ? 'intestazione-richiesta'
          : result.events.length === 0
            ? 'gia-presente'
            : 'dichiarato';
        return { position: result.position, redirect: `/contratti?esito=${outcome}` };
      },
      invalid: (errors, values) => render(request, reply, values, errors),
    }),
  );

  /** What the registry, the other declarants and the password say of the form. */
  async function refusals(
    me: AccountRow,
    kind: DeclarantKind,
    form: DeclareContractForm,
    companyCustomerCodes: readonly string[],
  ): Promise<FieldErrors> {
    const pair = { customerCode: form.customerCode, contractNumber: form.contract.contractNumber };
    const errors: FieldErrors = {};
    if (kind === 'ditta' && !companyCustomerCodes.includes(form.customerCode))
      errors.customerCode = notOwnCustomerCode;
    else if ((await pairsNotInRegistry(db, [pair])).has(pairKey(pair)))
      errors[numberField] = registryMismatch;
    else if ((await contractsManagedByOthers(db, kind, [pair])).size > 0)
      errors[numberField] = 'Questo contratto è già gestito da un altro utente.';
    if (!(await verifyPassword(me.passwordHash, form.currentPassword)))
      errors.currentPassword = 'La password attuale non è corretta.';
    return errors;
  }

  /** The decider's refusals name the contract's fields: shown beside the contract number. */
  async function declare(request: FastifyRequest, command: DeclareContract) {
    try {
      return await handleCommand(
        deps.eventStore,
        contractDecider,
        contractStream.id(command.contractNumber),
        command,
        commandContext(request, deps.clock()),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      const field = error.field === 'customerCode' ? 'customerCode' : numberField;
      throw new FormRefused({ [field]: error.message });
    }
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const me = await organisationOf(db, request);
    const companies = me.companies.map((company) => ({
      value: company.customerCode,
      label: `${company.name} (${company.customerCode})`,
    }));
    return reply.view('contracts/declare', {
      title: 'Aggiungi contratto',
      values,
      errors,
      companies,
      isDitta: me.kind === 'ditta',
      provinceOptions,
      municipalitiesOf,
    });
  }
}
