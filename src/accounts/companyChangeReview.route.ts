import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { companyLine } from '../../domain/accounts/changeCompanyDetails.js';
import { pendingCompanyChanges } from '../../projections/accounts/accounts.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { noFields, paramsOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { paragraph } from '../platform/http/text.js';
import { commandContext, requireRole } from './auth.js';

const changeParams = z.object({ id: z.uuid(), codice: z.string().regex(/^\d{10}$/) });
const rejectSchema = z.object({
  reason: paragraph(1000).min(5, 'Indicare il motivo del rifiuto (almeno 5 caratteri).'),
});
export const companyChangeOutcomes: Record<string, string> = {
  'ditta-convalidata': 'Nuovi dati della ditta convalidati: il referente riceverà una e-mail.',
  'ditta-respinta':
    'Nuovi dati della ditta respinti: il referente riceverà una e-mail con il motivo.',
};

/** Key of a pending change's form errors on the page: `<account id>/<customer code>`. */
const itemKey = (accountId: string, customerCode: string) => `${accountId}/${customerCode}`;

/** What the registrations page shows of the company identities waiting for an operator. */
export async function companyChangesView(
  deps: AccountsDeps,
  errors: Record<string, FieldErrors> = {},
) {
  return { companyChanges: await pendingCompanyChanges(deps.database.db), companyLine, errors };
}

/** An operator validates or rejects a company's new identity («Modifica profilo»). */
export function companyChangeReviewRoutes(
  app: FastifyInstance,
  deps: AccountsDeps,
  page: (reply: FastifyReply, extra: object) => Promise<FastifyReply>,
): void {
  const staffOnly = { preHandler: requireRole('operator', 'admin') };
  const decisions = [
    ['convalida', noFields, 'ditta-convalidata'],
    ['respingi', rejectSchema, 'ditta-respinta'],
  ] as const;
  for (const [action, schema, outcome] of decisions) {
    app.post(`/operatori/ditte/:id/:codice/${action}`, staffOnly, async (request, reply) => {
      const { id, codice } = paramsOf(changeParams, request);
      return submitForm(request, reply, deps.projections, {
        schema,
        run: async (form) => ({
          position: await decide(request, id, {
            ...('reason' in form
              ? { type: 'RejectCompanyDetailsChange' as const, reason: form.reason }
              : { type: 'ValidateCompanyDetailsChange' as const }),
            customerCode: codice,
          }),
          redirect: `/operatori/registrazioni?esito=${outcome}`,
        }),
        invalid: async (errors) =>
          page(reply, await companyChangesView(deps, { [itemKey(id, codice)]: errors })),
      });
    });
  }

  async function decide(
    request: FastifyRequest,
    accountId: string,
    command:
      | { type: 'ValidateCompanyDetailsChange'; customerCode: string }
      | { type: 'RejectCompanyDetailsChange'; customerCode: string; reason: string },
  ) {
    const result = await handleCommand(
      deps.eventStore,
      accountDecider,
      accountStream.id(accountId),
      command,
      commandContext(request, deps.clock()),
    );
    return result.position;
  }
}
