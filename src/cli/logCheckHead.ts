import { readFileSync } from 'node:fs';
import { checkHead } from '../audit/checkHead.js';
import { headFileSchema } from '../platform/transparency/publishedJson.js';
import type { Runtime } from '../runtime.js';

/**
 * log:check-head FILE — a head someone kept (a receipt, or /trasparenza's JSON) against the log as
 * it is now: exit 0 if the log still begins with exactly what was signed, 1 if not, 2 if the file
 * is not a head.
 */
export async function logCheckHead(
  runtime: Runtime,
  args: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  const [file] = args;
  if (!file) {
    out('Usage: log:check-head FILE   (a signed tree head as /trasparenza gives it, JSON)');
    return 2;
  }
  let parsed;
  try {
    parsed = headFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    out(`${file}: not a readable JSON file (${(error as Error).message})`);
    return 2;
  }
  if (!parsed.success) {
    out(`${file}: not a signed tree head (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return 2;
  }
  const result = await checkHead(runtime.eventStore, parsed.data, runtime.seal.publicKey);
  switch (result.outcome) {
    case 'ok':
      out(`OK: the log's first ${result.size} events are those the head signed`);
      return 0;
    case 'bad-signature':
      out('BROKEN: the head is not signed by this portal’s key, or was changed after signing');
      return 1;
    case 'truncated':
      out(`BROKEN: the head signed ${result.size} events; the log now has ${result.events}`);
      return 1;
    case 'rewritten':
      out(`BROKEN: the log's first ${result.size} events are not those the head signed`);
      return 1;
  }
}
