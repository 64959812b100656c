import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mustHold } from '../../domain/accounts/members.js';
import { accountSubject } from '../../domain/reminders/reminderEvents.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { actingOf, commandContext, requireRole } from '../accounts/auth.js';
import type { AccountsDeps } from '../deps.js';
import { submitForm } from '../platform/http/command.js';
import { chooseReminders, reminderLinks } from './reminderChoices.js';
import { reminderChoiceForm, reminderLinkFields, type ReminderLink } from './reminders.schema.js';

const invalidLink = () =>
  new DomainError(
    'ReminderLinkInvalid',
    'not-found',
    'Il link non è valido: copialo per intero dalla e-mail, oppure gestisci i promemoria dal tuo profilo.',
  );

/**
 * The optional reminders: stopped from the mail's link (one click, no login; the page offers to
 * turn them on again), and set from the declarant's profile.
 */
export function reminderRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const links = reminderLinks(deps.cookieSecret);

  const linkOf = (values: unknown): ReminderLink => {
    const parsed = reminderLinkFields.safeParse(values);
    if (!parsed.success || !links.matches(parsed.data.soggetto, parsed.data.t)) throw invalidLink();
    return parsed.data;
  };

  async function choose(request: FastifyRequest, link: ReminderLink, stop: boolean) {
    const result = await chooseReminders(
      deps.eventStore,
      { subject: link.soggetto, stop, via: 'mail-link' },
      commandContext(request, deps.clock()),
    );
    await deps.projections.waitFor(result.position);
  }

  // Opening the link changes nothing (mail scanners open links): its page asks for the click.
  app.get('/promemoria/disattiva', async (request, reply) => {
    const link = linkOf(request.query);
    return reply.view('reminders/choice', {
      title: 'Disattivare i promemoria facoltativi?',
      state: 'ask',
      link,
      action: `/promemoria/disattiva?${new URLSearchParams(link).toString()}`,
    });
  });

  // The page's button, and RFC 8058's one click: the mail client posts
  // `List-Unsubscribe=One-Click` to the link, with no cookie.
  app.post('/promemoria/disattiva', { config: { signedLink: true } }, async (request, reply) => {
    const link = linkOf(request.query);
    await choose(request, link, true);
    const body = request.body as Record<string, unknown> | undefined;
    if (body?.['List-Unsubscribe'] === 'One-Click')
      return reply.type('text/plain; charset=utf-8').send('Promemoria facoltativi disattivati.');
    return reply.view('reminders/choice', {
      title: 'Promemoria disattivati',
      state: 'stopped',
      link,
    });
  });

  app.post('/promemoria/riattiva', async (request, reply) => {
    const link = linkOf(request.body);
    await choose(request, link, false);
    return reply.view('reminders/choice', {
      title: 'Promemoria riattivati',
      state: 'resumed',
      link,
    });
  });

  app.post('/profilo/promemoria', { preHandler: requireRole('declarant') }, (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: reminderChoiceForm,
      run: async (form) => {
        const { organisationId, role } = actingOf(request);
        // The choice is the organisation's: an administrator's to make.
        mustHold(role, 'manage');
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
