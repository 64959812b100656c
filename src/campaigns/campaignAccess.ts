import type { FastifyRequest } from 'fastify';
import type { Role } from '../../domain/accounts/accountEvents.js';
import { requireRole } from '../accounts/auth.js';

/** Who opens campaigns and sets a contract's limits; auditors read the same pages. */
const editors: readonly Role[] = ['operator', 'admin'];

/** The pages of the campaigns: operators, admins and auditors. */
export const campaignReaders = { preHandler: requireRole(...editors, 'auditor') };

/** The forms of the campaigns: operators and admins. */
export const campaignEditors = { preHandler: requireRole(...editors) };

/** Whether the page shows its forms: the same roles the forms' routes accept. */
export const mayEditCampaigns = (request: FastifyRequest): boolean =>
  editors.some((role) => role === request.account?.role);
