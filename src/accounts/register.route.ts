import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { DeclarantKind } from '../../domain/accounts/accountEvents.js';
import { registryMismatchMessage } from '../../domain/accounts/registerReferent.js';
import { usernameDecider, usernameStream } from '../../domain/accounts/usernameClaim.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { municipalitiesOf, provinces } from '../../domain/shared/territory.js';
import { findAccountByUsername } from '../../projections/accounts/accounts.js';
import { contractsManagedByOthers } from '../../projections/contracts/contracts.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { paramsOf } from '../platform/http/command.js';
import { nestFields, parseForm, type FieldErrors } from '../platform/http/forms.js';
import { isHtmx, seeOther } from '../platform/http/views.js';
import { pairKey, pairsNotInRegistry } from '../registry/registry.js';
import { commandContext } from './auth.js';
import { hashPassword } from './passwords.js';
import { passwordRuleText } from '../../domain/shared/password.js';
import {
  confirmationErrors,
  registrationSchema,
  wellFormedPairs,
  wellFormedUsername,
  type RegistrationForm,
} from './register.schema.js';
import { applyFormAction, shapeValues, type RegistrationValues } from './registrationForm.js';
import { registrationCookie } from './verify.route.js';

const kindParams = z.object({ kind: z.enum(['ditta', 'studio']) });
const provinceOptions = provinces().map((p) => ({ value: p.code, label: p.name }));

export function registerRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const { db } = deps.database;

  app.get('/registrazione/:kind', async (request, reply) => {
    const { kind } = paramsOf(kindParams, request);
    return render(request, reply, 200, kind, shapeValues({}), {});
  });

  app.post('/registrazione/:kind', async (request, reply) => {
    const { kind } = paramsOf(kindParams, request);
    const nested = nestFields(request.body);
    const values = shapeValues(nested);
    if (typeof nested._action === 'string') {
      const changed = applyFormAction(values, nested._action);
      return render(
        request,
        reply,
        200,
        kind,
        kind === 'ditta' ? { ...changed, companies: changed.companies.slice(0, 1) } : changed,
        {},
      );
    }
    const form = parseForm(registrationSchema, values);
    // Every error at once: the pairs and the username are checked even beside other mistakes.
    const errors: FieldErrors = {
      ...(form.ok ? {} : form.errors),
      ...confirmationErrors(values),
      ...(await uniquenessErrors(kind, values)),
    };
    if (!form.ok || Object.keys(errors).length > 0)
      return render(request, reply, 422, kind, values, errors);

    try {
      const accountId = await register(kind, form.data, request);
      reply.setCookie(registrationCookie, accountId, {
        path: '/registrazione',
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        maxAge: 86_400,
      });
      return seeOther(request, reply, '/registrazione/verifica');
    } catch (error) {
      if (
        !(error instanceof DomainError) ||
        (error.kind !== 'conflict' && error.kind !== 'validation')
      )
        throw error;
      return render(request, reply, 422, kind, values, { [error.field ?? '_form']: error.message });
    }
  });

  async function uniquenessErrors(
    kind: DeclarantKind,
    values: RegistrationValues,
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    const name = wellFormedUsername(values.username);
    if (name && (await findAccountByUsername(db, name))) {
      errors.username = 'Questo nome utente è già in uso: sceglierne un altro.';
    }
    const pairs = wellFormedPairs(values);
    const taken = await contractsManagedByOthers(db, kind, pairs);
    for (const pair of pairs) {
      if (taken.has(pair.contractNumber)) {
        errors[`companies[${pair.i}][contracts][${pair.j}][contractNumber]`] =
          'Questo contratto è già gestito da un altro utente.';
      }
    }
    const missing = await pairsNotInRegistry(db, pairs);
    for (const pair of pairs) {
      if (missing.has(pairKey(pair)))
        errors[`companies[${pair.i}][contracts][${pair.j}][contractNumber]`] =
          registryMismatchMessage;
    }
    return errors;
  }

  async function register(
    kind: DeclarantKind,
    form: RegistrationForm,
    request: FastifyRequest,
  ): Promise<string> {
    const now = deps.clock();
    const accountId = randomUUID();
    const context = commandContext(request, now);
    await handleCommand(
      deps.eventStore,
      usernameDecider,
      usernameStream.id(form.username),
      { type: 'ClaimUsername', username: form.username, accountId },
      context,
    );
    await handleCommand(
      deps.eventStore,
      accountDecider,
      accountStream.id(accountId),
      {
        type: 'RegisterReferent',
        accountId,
        kind,
        fullName: form.fullName,
        phone: form.phone,
        email: form.email,
        username: form.username,
        passwordHash: await hashPassword(form.password),
        companies: form.companies,
        notInRegistry: [],
        challengeId: randomUUID(),
        now,
      },
      { ...context, commandId: randomUUID() },
    );
    return accountId;
  }
}

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  kind: DeclarantKind,
  values: RegistrationValues,
  errors: FieldErrors,
) {
  const data = {
    kind,
    values,
    errors,
    provinceOptions,
    municipalitiesOf,
    passwordRuleText,
    title: titleOf(kind),
  };
  return reply
    .code(status)
    .view(isHtmx(request) ? 'accounts/_registrationForm' : 'accounts/register', data);
}

export const titleOf = (kind: DeclarantKind): string =>
  kind === 'ditta' ? 'Registrazione Ditta' : 'Registrazione Studio tecnico/Consulente/Associazione';
