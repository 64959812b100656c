import { requireRole } from '../accounts/auth.js';
import type { Role } from '../../domain/accounts/accountEvents.js';

/** Who may read the auditor section: auditors, operators and admins; declarants never. */
export const auditReaders: readonly Role[] = ['auditor', 'operator', 'admin'];

/**
 * The preHandler of every /revisione page: visitors go to the login page, declarants get 403.
 * Reading only: routes that change something (a rebuild, a verification job) add their own
 * narrower guard on top.
 */
export const requireAuditReader = requireRole(...auditReaders);
