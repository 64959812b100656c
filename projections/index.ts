import { otpCodes } from '../src/accounts/otpCodes.js';
import type { Projection } from '../src/projections/projection.js';
import { accountMailsProjection } from './accountMails/accountMails.js';
import { accountsProjection } from './accounts/accounts.js';
import { streamIndexProjection } from './streamIndex/streamIndex.js';

export interface ProjectionDeps {
  readonly cookieSecret: string;
  /** Known once the server listens (the port may be chosen then). */
  readonly publicUrl: () => string;
  readonly now: () => Date;
}

/** Every read model and reactor the portal keeps; the runner and the rebuild CLI take them here. */
export function createProjections(deps: ProjectionDeps): Projection[] {
  const codes = otpCodes(deps.cookieSecret);
  return [
    streamIndexProjection,
    accountsProjection,
    accountMailsProjection({
      code: codes.code,
      token: codes.token,
      publicUrl: deps.publicUrl,
      now: deps.now,
    }),
  ];
}
