import type { FastifyInstance } from 'fastify';
import type { AccountsDeps } from '../deps.js';
import { reminderRoutes } from './reminders.route.js';

/** Reminders: the link that stops the optional ones, and the declarant's choice on the profile. */
export async function remindersArea(app: FastifyInstance, deps: AccountsDeps): Promise<void> {
  reminderRoutes(app, deps);
}
