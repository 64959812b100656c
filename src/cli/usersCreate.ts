import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isEmailAddress } from '../../domain/shared/email.js';
import { passwordProblems } from '../../domain/shared/password.js';
import { createStaffAccount, staffRoles, systemContext } from '../accounts/staffAccounts.js';
import type { Runtime } from '../runtime.js';

const argsSchema = z.object({
  role: z.enum(staffRoles, { error: `--role deve essere uno tra: ${staffRoles.join(', ')}` }),
  username: z
    .string()
    .regex(
      /^[A-Za-z0-9._@-]{3,40}$/,
      '--username: da 3 a 40 caratteri tra lettere, cifre e . _ - @',
    ),
  name: z.string().trim().min(1, '--name è obbligatorio'),
  email: z.string().refine(isEmailAddress, '--email non valida'),
  password: z.string().optional(),
});

/** users:create --role operator --username mrossi --name "Mario Rossi" --email m@x.it [--password P] */
export async function usersCreate(
  runtime: Runtime,
  argv: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      role: { type: 'string' },
      username: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) out(issue.message);
    return 2;
  }
  const { role, username, name, email } = parsed.data;
  // A generated password always meets the rule: letters, a capital, digits and a special character.
  const password = parsed.data.password ?? `${randomBytes(9).toString('base64url')}-A7`;
  const problems = passwordProblems(password);
  if (problems.length > 0) {
    for (const problem of problems) out(problem);
    return 2;
  }
  await createStaffAccount(
    runtime.eventStore,
    { role, username, fullName: name, email, password },
    systemContext(new Date()),
  );
  out(
    `Creato l'account ${role} "${username}"${parsed.data.password ? '' : ` con password ${password}`}.`,
  );
  return 0;
}
