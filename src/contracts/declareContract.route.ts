import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contractDecider, contractStreamId } from '../../domain/contracts/contractDecider.js';
import { registryMismatch } from '../../domain/contracts/declareContract.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { municipalitiesOf, provinces } from '../../domain/shared/territory.js';
import { contractsManagedByOthers } from '../../projections/contracts/contracts.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import { verifyPassword } from '../accounts/passwords.js';
import type { AppDeps } from '../app.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import { nestFields, parseForm, type FieldErrors } from '../http/forms.js';
import { seeOther } from '../http/views.js';
import { pairKey, pairsNotInRegistry } from '../registry/registry.js';
import { declareContractSchema } from './declareContract.schema.js';

const provinceOptions = provinces().map((p) => ({ value: p.code, label: p.name }));
const numberField = 'contract[contractNumber]';
const notOwnCustomerCode =
  'Una ditta può aggiungere solo i contratti del proprio codice cliente: questo codice cliente non è tra quelli della ditta.';

/** A contract (of a company already managed, or of a new one) declared after registration. */
export function declareContractRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const declarants = { preHandler: requireRole('declarant') };

  app.get('/contratti/nuovo', declarants, async (request, reply) =>
    render(request, reply, 200, { contract: {} }, {}),
  );

  app.post('/contratti/nuovo', declarants, async (request, reply) => {
    const me = request.account!;
    const values = nestFields(request.body);
    const form = parseForm(declareContractSchema, values);
    if (!form.ok) return render(request, reply, 422, values, form.errors);
    const { customerCode, companyName, contract } = form.data;
    const kind = me.kind === 'ditta' ? 'ditta' : 'studio';
    // A Ditta's own customer codes are those an operator accepted (registration or invitation).
    const companyCustomerCodes = kind === 'ditta' ? me.companies.map((c) => c.customerCode) : [];
    const pair = { customerCode, contractNumber: contract.contractNumber };
    const errors: FieldErrors = {};
    if (kind === 'ditta' && !companyCustomerCodes.includes(customerCode))
      errors.customerCode = notOwnCustomerCode;
    else if ((await pairsNotInRegistry(db, [pair])).has(pairKey(pair)))
      errors[numberField] = registryMismatch;
    else if ((await contractsManagedByOthers(db, kind, [pair])).size > 0)
      errors[numberField] = 'Questo contratto è già gestito da un altro utente.';
    if (!(await verifyPassword(me.passwordHash, form.data.currentPassword)))
      errors.currentPassword = 'La password attuale non è corretta.';
    if (Object.keys(errors).length > 0) return render(request, reply, 422, values, errors);
    try {
      const { contractNumber, ...plant } = contract;
      const result = await handleCommand(
        deps.eventStore,
        contractDecider,
        contractStreamId(contractNumber),
        {
          type: 'DeclareContract',
          contractNumber,
          customerCode,
          companyName,
          plant,
          declaredBy: { accountId: me.accountId, kind },
          inRegistry: true,
          companyCustomerCodes,
        },
        commandContext(request, deps.clock()),
      );
      await deps.projections.waitFor(result.position);
      const outcome = result.events.some((event) => event.type === 'ContractOwnershipRequested')
        ? 'intestazione-richiesta'
        : result.events.length === 0
          ? 'gia-presente'
          : 'dichiarato';
      return seeOther(request, reply, `/contratti?esito=${outcome}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const field =
        error.field === 'customerCode' ? 'customerCode' : error.field ? numberField : '_form';
      return render(request, reply, 422, values, { [field]: error.message });
    }
  });

  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const me = request.account!;
    const companies = me.companies.map((company) => ({
      value: company.customerCode,
      label: `${company.name} (${company.customerCode})`,
    }));
    return reply.code(status).view('contracts/declare', {
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
