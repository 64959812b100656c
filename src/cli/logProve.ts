import { parseArgs } from 'node:util';
import { z } from 'zod';
import { auditLogOf } from '../audit/auditLog.js';
import { consistencyAnswer, inclusionAnswer } from '../audit/logProofs.js';
import type { Runtime } from '../runtime.js';

const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const argsSchema = z.union([
  z.object({ evento: z.uuid('--evento: l’id di un evento'), dimensione: size.optional() }).strict(),
  z
    .object({ da: size, a: size })
    .strict()
    .refine(({ da, a }) => da <= a, '--da non può superare --a'),
]);

const usage = 'log:prove --evento ID [--dimensione N] | --da N --a M';

/**
 * log:prove — the proofs /trasparenza gives, from the command line, as JSON on standard output:
 * that an event is in the signed tree (--evento, the receipt's form), or that the tree of --da
 * leaves is a prefix of the tree of --a leaves. Exit 1 when there is no such proof yet.
 */
export async function logProve(
  runtime: Runtime,
  argv: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        evento: { type: 'string' },
        dimensione: { type: 'string' },
        da: { type: 'string' },
        a: { type: 'string' },
      },
    }));
  } catch (error) {
    out(`${(error as Error).message}\nUsage: ${usage}`);
    return 2;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    out(`Usage: ${usage}`);
    return 2;
  }
  const { db } = runtime.database;
  const args = parsed.data;
  const proof =
    'evento' in args
      ? await inclusionAnswer(db, auditLogOf(runtime.eventStore), args.evento, args.dimensione)
      : await consistencyAnswer(db, args.da, args.a);
  out(proof.ok ? JSON.stringify(proof.json, null, 2) : proof.errore);
  return proof.ok ? 0 : 1;
}
