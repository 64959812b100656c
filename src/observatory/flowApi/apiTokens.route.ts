import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  apiTokensDecider,
  apiTokensStream,
  maxApiTokenName,
  type ApiTokenCommand,
} from '../../../domain/observatory/apiTokens.js';
import { DomainError } from '../../../domain/shared/domainError.js';
import { municipalityByIstat } from '../../../domain/observatory/reference/municipalities.js';
import { apiTokensOf } from '../../../projections/observatory/apiTokens.js';
import type { ObservatoryDeps } from '../../deps.js';
import { handleCommand } from '../../platform/eventStore/commandHandler.js';
import {
  commandIdField,
  noFields,
  noticeOf,
  paramsOf,
  parseBody,
  submitForm,
} from '../../platform/http/command.js';
import type { FieldErrors } from '../../platform/http/forms.js';
import { requiredLine } from '../../platform/http/text.js';
import { seeOther } from '../../platform/http/views.js';
import {
  observatoryContext,
  requireMunicipalityUser,
  requireObservatory,
} from '../observatoryAccess.js';
import { newApiSecret, secretHashOf } from './apiTokenAuth.js';

const outcomes = { revocato: 'Token revocato: da ora il software che lo usa non può più inviare.' };

const issueForm = z.object({
  nome: requiredLine('Indicare un nome per riconoscere il token.', maxApiTokenName),
  commandId: commandIdField,
});

const keyParams = z.object({ keyId: z.uuid() });

/**
 * «Accesso per software (API)»: the municipality's own user issues a token for its software (shown
 * once, kept as a hash) and revokes it; the page lists them with their last use. The collector's
 * delegates may not: the token files for the municipality in its name.
 */
export function apiTokenRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  const officers = { preHandler: requireObservatory(deps, 'officer') };

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: FieldErrors; name?: string; issued?: { name: string; secret: string } } = {},
  ) {
    const istatCode = requireMunicipalityUser(request);
    return reply.view('observatory/apiTokens', {
      title: 'Accesso per software (API)',
      municipality: municipalityByIstat(istatCode),
      tokens: await apiTokensOf(deps.database.db, istatCode),
      endpoint: `/api/osservatorio/flussi/${istatCode}/AAAA-MM`,
      errors: extra.errors ?? {},
      name: extra.name ?? '',
      issued: extra.issued ?? null,
      commandId: randomUUID(),
      notice: noticeOf(request, outcomes),
    });
  }

  const record = (request: FastifyRequest, command: ApiTokenCommand, commandId: string) =>
    handleCommand(
      deps.eventStore,
      apiTokensDecider,
      apiTokensStream.id(command.istatCode),
      command,
      observatoryContext(request, deps.clock(), commandId),
    );

  app.get('/comune/api', officers, (request, reply) => page(request, reply));

  // Not a redirect: the token is shown once, on this answer, and in no URL.
  app.post('/comune/api', officers, async (request, reply) => {
    const istatCode = requireMunicipalityUser(request);
    const form = parseBody(issueForm, request);
    const typed = typeof form.values.nome === 'string' ? form.values.nome : '';
    if (!form.ok) return page(request, reply.code(422), { errors: form.errors, name: typed });
    const secret = newApiSecret();
    const command = {
      type: 'IssueApiToken' as const,
      istatCode,
      keyId: randomUUID(),
      name: form.data.nome,
      secretHash: secretHashOf(secret),
      by: `cf:${request.identity!.fiscalCode}`,
    };
    let result;
    try {
      result = await record(request, command, form.data.commandId);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field || error.kind === 'not-found')
        throw error;
      return page(request, reply.code(422), {
        errors: { [error.field]: error.message },
        name: typed,
      });
    }
    await deps.projections.waitFor(result.position);
    // A form posted twice: the token of the first post was shown then, and only then.
    if (
      !result.events.some(
        (event) => event.type === 'ApiTokenIssued' && event.data.secretHash === command.secretHash,
      )
    )
      return seeOther(request, reply, '/osservatorio/comune/api');
    return page(request, reply, { issued: { name: command.name, secret } });
  });

  app.post('/comune/api/:keyId/revoca', officers, async (request, reply) => {
    const istatCode = requireMunicipalityUser(request);
    const { keyId } = paramsOf(keyParams, request);
    return submitForm(request, reply, deps.projections, {
      schema: noFields.extend({ commandId: commandIdField }),
      run: async (form) => {
        const command = {
          type: 'RevokeApiToken' as const,
          istatCode,
          keyId,
          by: `cf:${request.identity!.fiscalCode}`,
        };
        const result = await record(request, command, form.commandId);
        return { position: result.position, redirect: '/osservatorio/comune/api?esito=revocato' };
      },
      invalid: (errors) => page(request, reply, { errors }),
    });
  });
}
