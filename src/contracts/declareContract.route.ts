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
import { passwordRefusal, withPasswordError } from '../accounts/reauthentication.js';
import type { AreaDeps } from '../deps.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import { FormRefused, queryOf, refuseIfAny, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { pairKey, pairsNotInRegistry } from '../registry/registry.js';
import { addCompanySchema, declareContractSchema } from './declareContract.schema.js';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';

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
        const organisation = await organisationOf(db, request);
        const kind = kindOf(organisation);
        // A Ditta's own customer codes are those an operator accepted (registration or invitation).
        const companyCustomerCodes =
          kind === 'ditta' ? organisation.companies.map((c) => c.customerCode) : [];
        refuseIfAny(await refusals(request, kind, form, companyCustomerCodes));
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
      invalid: async (errors, values) =>
        render(
          request,
          reply,
          values,
          await withPasswordError(errors, values, checkPassword(request)),
        ),
    }),
  );

  /** «+ Aggiungi ditta» (a consultant): the company's identity and its first contract. */
  app.get('/ditte/nuova', declarants, async (request, reply) => {
    mustHold(actingOf(request).role, 'prepare');
    await mustBeStudio(request);
    return renderNewCompany(reply, { company: {}, contract: {} }, {});
  });

  app.post('/ditte/nuova', declarants, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: addCompanySchema,
      run: async (form) => {
        const acting = actingOf(request);
        mustHold(acting.role, 'prepare');
        const organisation = await mustBeStudio(request);
        const { customerCode, ...details } = form.company;
        const { contractNumber, ...plant } = form.contract;
        refuseIfAny(
          await refusals(
            request,
            'studio',
            {
              customerCode,
              companyName: details.name,
              contract: form.contract,
              currentPassword: form.currentPassword,
            },
            [],
          ),
        );
        const adding = {
          type: 'AddCompany' as const,
          customerCode,
          details,
          addedBy: acting.personId,
          role: acting.role,
          currentPasswordOk: true,
        };
        // The company is checked before the contract is declared; should the last step fail
        // (a second submit that added it meanwhile), sending the form again completes the pair.
        const account = accountStream.id(organisation.accountId);
        const companyRefused = (error: unknown) => {
          if (!(error instanceof DomainError) || error.kind === 'not-found') throw error;
          return new FormRefused({ [`company[${error.field ?? 'name'}]`]: error.message });
        };
        const { state } = await readState(deps.eventStore, accountDecider, account);
        try {
          accountDecider.decide(adding, state);
        } catch (error) {
          throw companyRefused(error);
        }
        const declared = await declare(request, {
          type: 'DeclareContract',
          contractNumber,
          customerCode,
          companyName: details.name,
          plant,
          declaredBy: { accountId: organisation.accountId, kind: 'studio' },
          role: acting.role,
          inRegistry: true,
          companyCustomerCodes: [],
        });
        const added = await handleCommand(
          deps.eventStore,
          accountDecider,
          account,
          adding,
          commandContext(request, deps.clock()),
        ).catch((error: unknown) => {
          // Added by the same form a moment ago: the pair is complete.
          if (error instanceof DomainError && error.code === 'CompanyKnown') return null;
          throw companyRefused(error);
        });
        const outcome =
          declared.events.length > 0 ? 'ditta-aggiunta' : 'ditta-aggiunta-contratto-noto';
        return {
          position: added?.position ?? declared.position,
          redirect: `/contratti?esito=${outcome}`,
        };
      },
      invalid: async (errors, values) =>
        renderNewCompany(
          reply,
          values,
          await withPasswordError(errors, values, checkPassword(request)),
        ),
    }),
  );

  /** Only an organisation that manages companies for others adds one (a Ditta is one). */
  async function mustBeStudio(request: FastifyRequest) {
    const organisation = await organisationOf(db, request);
    if (organisation.kind !== 'studio')
      throw new DomainError(
        'NotStudio',
        'forbidden',
        'Solo uno studio tecnico, un consulente o un’associazione gestisce più ditte: una ditta aggiunge i propri contratti.',
      );
    return organisation;
  }

  function renderNewCompany(
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    return reply.view('contracts/addCompany', {
      title: 'Aggiungi ditta',
      values,
      errors,
      provinceOptions,
      municipalitiesOf,
    });
  }

  /** The password asked again, counted as a re-authentication (limited, recorded if wrong). */
  const checkPassword = (request: FastifyRequest) => (password: string) =>
    passwordRefusal(deps, request, password, deps.clock(), 'La password attuale non è corretta.');

  /** What the registry, the other declarants and the password say of the form. */
  async function refusals(
    request: FastifyRequest,
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
    // Counted as a re-authentication: guesses from an open session are limited.
    const wrong = await checkPassword(request)(form.currentPassword);
    if (wrong) errors.currentPassword = wrong;
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
