import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { passwordRuleText } from '../../domain/shared/password.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { submitForm } from '../platform/http/command.js';
import { secret } from '../platform/http/text.js';
import { commandContext, requireRole } from './auth.js';
import { newPassword, samePasswordTwice } from './fields.schema.js';
import { hashPassword } from './passwords.js';

const firstAccessSchema = z
  .object({ password: newPassword, passwordConfirm: secret() })
  .refine(...samePasswordTwice);

/** An invited company's first login: a new password before anything else. */
export function firstAccessRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const declarants = { preHandler: requireRole('declarant') };
  const render = (errors: Record<string, string>) => ({
    title: 'Primo accesso',
    errors,
    passwordRuleText,
  });

  app.get('/primo-accesso', declarants, async (request, reply) => {
    if (!request.account!.mustChangePassword) return reply.redirect('/area-riservata', 303);
    return reply.view('accounts/firstAccess', render({}));
  });

  app.post('/primo-accesso', declarants, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: firstAccessSchema,
      run: async (form) => {
        const result = await handleCommand(
          deps.eventStore,
          accountDecider,
          accountStream.id(request.account!.accountId),
          { type: 'SetFirstPassword', passwordHash: await hashPassword(form.password) },
          commandContext(request, deps.clock()),
        );
        return { position: result.position, redirect: '/area-riservata' };
      },
      invalid: (errors) => reply.view('accounts/firstAccess', render(errors)),
    }),
  );
}
