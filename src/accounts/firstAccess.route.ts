import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { accountDecider, accountStreamId } from '../../domain/accounts/accountDecider.js';
import { passwordRuleText } from '../../domain/shared/password.js';
import type { AppDeps } from '../app.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import { parseForm } from '../http/forms.js';
import { seeOther } from '../http/views.js';
import { commandContext, requireRole } from './auth.js';
import { newPassword } from './fields.schema.js';
import { hashPassword } from './passwords.js';

const firstAccessSchema = z
  .object({ password: newPassword, passwordConfirm: z.string() })
  .refine((form) => form.password === form.passwordConfirm, {
    path: ['passwordConfirm'],
    message: 'Le due password non coincidono.',
  });

/** An invited company's first login: a new password before anything else. */
export function firstAccessRoutes(app: FastifyInstance, deps: AppDeps): void {
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

  app.post('/primo-accesso', declarants, async (request, reply) => {
    const form = parseForm(firstAccessSchema, request.body);
    if (!form.ok) return reply.code(422).view('accounts/firstAccess', render(form.errors));
    const result = await handleCommand(
      deps.eventStore,
      accountDecider,
      accountStreamId(request.account!.accountId),
      {
        type: 'SetFirstPassword',
        passwordHash: await hashPassword(form.data.password),
      },
      commandContext(request, deps.clock()),
    );
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, '/area-riservata');
  });
}
