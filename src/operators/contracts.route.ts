import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { contractDecider, contractStreamId } from '../../domain/contracts/contractDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { pendingContracts } from '../../projections/contracts/contracts.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import { parseForm, type FieldErrors } from '../http/forms.js';
import { seeOther } from '../http/views.js';
import { registryEntries } from '../registry/registry.js';

const numberParams = z.object({ numero: z.string().regex(/^\d{10}$/) });
const rejectSchema = z.object({
  reason: z.string().trim().min(5, 'Indicare il motivo (almeno 5 caratteri).').max(1000),
});
const outcomes: Record<string, string> = {
  convalidato: 'Contratto convalidato: il referente riceverà una e-mail.',
  respinto: 'Contratto respinto: il referente riceverà una e-mail con il motivo.',
};

/** Contracts declared after registration, waiting for an operator's validation. */
export function contractReviewRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const staffOnly = { preHandler: requireRole('operator', 'admin') };

  const page = async (extra: { errors?: Record<string, FieldErrors>; notice?: string }) => {
    const contracts = await pendingContracts(db);
    const companies = contracts.map((c) => ({
      customerCode: c.customerCode,
      contracts: [{ contractNumber: c.contractNumber }],
    }));
    return {
      title: 'Contratti da convalidare',
      contracts,
      registry: await registryEntries(db, companies),
      errors: {},
      ...extra,
    };
  };

  app.get('/operatori/contratti', staffOnly, async (request, reply) => {
    const { esito } = request.query as { esito?: string };
    return reply.view(
      'operators/contracts',
      await page({ notice: esito ? outcomes[esito] : undefined }),
    );
  });

  app.post('/operatori/contratti/:numero/convalida', staffOnly, async (request, reply) => {
    const result = await decide(request.params, { type: 'ValidateContract', note: null }, request);
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, '/operatori/contratti?esito=convalidato');
  });

  app.post('/operatori/contratti/:numero/respingi', staffOnly, async (request, reply) => {
    const form = parseForm(rejectSchema, request.body);
    const number = numberParams.safeParse(request.params).data?.numero ?? '';
    if (!form.ok)
      return reply
        .code(422)
        .view('operators/contracts', await page({ errors: { [number]: form.errors } }));
    const result = await decide(
      request.params,
      { type: 'RejectContract', reason: form.data.reason },
      request,
    );
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, '/operatori/contratti?esito=respinto');
  });

  async function decide(
    params: unknown,
    command: Parameters<typeof contractDecider.decide>[0],
    request: Parameters<typeof commandContext>[0],
  ) {
    const parsed = numberParams.safeParse(params);
    if (!parsed.success)
      throw new DomainError('ContractUnknown', 'not-found', 'Contratto non trovato.');
    return handleCommand(
      deps.eventStore,
      contractDecider,
      contractStreamId(parsed.data.numero),
      command,
      commandContext(request, deps.clock()),
    );
  }
}
