import type { FastifyInstance } from 'fastify';
import type { AccountsDeps } from '../deps.js';
import { accessibilityRoutes } from './accessibility.route.js';
import { firstAccessRoutes } from './firstAccess.route.js';
import { homeRoutes } from './home.route.js';
import { invitationRoutes } from './invitations.route.js';
import { loginRoutes } from './login.route.js';
import { memberInvitationRoutes } from './memberInvitation.route.js';
import { peopleRoutes } from './people.route.js';
import { personalDataRoutes } from './personalData.route.js';
import { passwordResetRoutes } from './passwordReset.route.js';
import { privacyRoutes } from './privacy.route.js';
import { profileRoutes } from './profile.route.js';
import { refusedSignInRoutes } from './refusedSignIns.route.js';
import { registerRoutes } from './register.route.js';
import { registrationReviewRoutes } from './registrationReview.route.js';
import { unlockRoutes } from './unlock.route.js';
import { verifyRoutes } from './verify.route.js';

/**
 * Accounts: the way in (home page, login, registration with its e-mail check, first access,
 * password reset, joining an organisation by invitation), the profile with its privacy notice, the
 * accessibility statement every footer links to, the organisation's people, and the operators'
 * side (registrations to approve, companies invited from the registry, refused logins).
 */
export async function accountsArea(app: FastifyInstance, deps: AccountsDeps): Promise<void> {
  homeRoutes(app);
  privacyRoutes(app);
  accessibilityRoutes(app, deps);
  loginRoutes(app, deps);
  unlockRoutes(app, deps);
  registerRoutes(app, deps);
  verifyRoutes(app, deps);
  passwordResetRoutes(app, deps);
  profileRoutes(app, deps);
  personalDataRoutes(app, deps);
  firstAccessRoutes(app, deps);
  peopleRoutes(app, deps);
  memberInvitationRoutes(app, deps);
  registrationReviewRoutes(app, deps);
  invitationRoutes(app, deps);
  refusedSignInRoutes(app, deps);
}
