import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accountSubject, isReminderSubject } from '../../domain/reminders/reminderEvents.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { actingOf, commandContext, requireRole } from '../accounts/auth.js';
import type { AccountsDeps } from '../deps.js';
import { submitForm } from '../platform/http/command.js';
import { chooseReminders, reminderLinks } from './reminderChoices.js';

const linkFields = z.object({
  soggetto: z.string().max(100).refine(isReminderSubject),
  t: z.string().regex(/^[\w-]{10,100}$/),
});

const invalidLink = () =>
  new DomainError(
    'ReminderLinkInvalid',
    'not-found',
    'Il link non è valido: copialo per intero dalla e-mail, oppure gestisci i promemoria dal tuo profilo.',
  );

/** On or off, from the profile (the organisation's) or the officer's page (the municipality's). */
export const reminderChoiceForm = z.object({
  promemoria: z.enum(['attivi', 'disattivati'], { error: 'Scegli se ricevere i promemoria.' }),
});

/**
 * The optional reminders: stopped from the mail's link (one click, no login; the page offers to
 * turn them on again), and set from the declarant's profile.
 */
export function reminderRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const links = reminderLinks(deps.cookieSecret);

  async function choose(request: FastifyRequest, values: unknown, stop: boolean) {
    const parsed = linkFields.safeParse(values);
    if (!parsed.success || !links.matches(parsed.data.soggetto, parsed.data.t)) throw invalidLink();
    const result = await chooseReminders(
      deps.eventStore,
      { subject: parsed.data.soggetto, stop, via: 'mail-link' },
      commandContext(request, deps.clock()),
    );
    await deps.projections.waitFor(result.position);
    return parsed.data;
  }

  app.get('/promemoria/disattiva', async (request, reply) => {
    const link = await choose(request, request.query, true);
    return reply.view('reminders/choice', { title: 'Promemoria disattivati', stopped: true, link });
  });

  // RFC 8058: the mail client's «unsubscribe» posts `List-Unsubscribe=One-Click` to the link.
  app.post('/promemoria/disattiva', { config: { signedLink: true } }, async (request, reply) => {
    await choose(request, request.query, true);
    return reply.type('text/plain; charset=utf-8').send('Promemoria facoltativi disattivati.');
  });

  app.post('/promemoria/riattiva', async (request, reply) => {
    const link = await choose(request, request.body, false);
    return reply.view('reminders/choice', { title: 'Promemoria riattivati', stopped: false, link });
  });

  app.post('/profilo/promemoria', { preHandler: requireRole('declarant') }, (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: reminderChoiceForm,
      run: async (form) => {
        const { organisationId } = actingOf(request);
        const result = await chooseReminders(
          deps.eventStore,
          {
            subject: accountSubject(organisationId),
            stop: form.promemoria === 'disattivati',
            via: 'profile',
          },
          commandContext(request, deps.clock()),
        );
        return { position: result.position, redirect: '/profilo?esito=promemoria#promemoria' };
      },
      invalid: (errors) => {
        throw new DomainError('ValidationFailed', 'validation', Object.values(errors).join(' '));
      },
    }),
  );
}
