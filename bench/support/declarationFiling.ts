import { certifiedSending } from '../../test/support/accounts.js';
import type { Kysely } from 'kysely';
import type { Schema } from '../../src/platform/db/schema.js';
import type { TestClient } from '../../test/support/client.js';
import { commandIdOf, filledTemplate, labReport } from '../../test/support/declarations.js';
import {
  checklistEdits,
  fill,
} from '../../test/declarations/workbooks/support/workbookFixtures.js';
import type { Declarant } from './declarants.js';
import { typicalAnalysesEdits, typicalDeclarationEdits } from './declarationWorkbooks.js';

const pdf = (name: string) => Buffer.from(`%PDF-1.4\n% ${name}\n`);

/**
 * The wizard as a declarant completes it: the three templates downloaded and filled (5 sources,
 * 3 meters, 4 deductions, 20 analyses), six files uploaded (AVANTI), then the "Validazione" page,
 * whose INVIA form carries the commandId returned here.
 */
export async function prepareDraft(
  declarant: Declarant,
  year: number,
  contract: string,
): Promise<{ base: string; commandId: string }> {
  const { client } = declarant;
  const base = `/dichiarazioni/${year}/${contract}`;
  await client.get(base);
  const checklist = await client.get(`${base}/modelli/checklist`);
  const xlsx = async (filename: string, content: Promise<Buffer>) => ({
    filename,
    content: await content,
  });
  const uploaded = await client.postMultipart(
    base,
    {
      visionato: 'si',
      'email-notifica': 'ambiente@ditte.example',
      'descrizione-1': 'Foto delle letture di inizio e fine anno',
    },
    {
      dichiarazione: await xlsx(
        'dichiarazione.xlsx',
        filledTemplate(
          client,
          base,
          'dichiarazione',
          typicalDeclarationEdits(declarant.customerCode),
        ),
      ),
      analisi: await xlsx(
        'analisi.xlsx',
        filledTemplate(client, base, 'analisi', typicalAnalysesEdits(year)),
      ),
      'rapporto-di-prova': labReport,
      checklist: await xlsx('checklist.xlsx', fill(checklist.rawPayload, checklistEdits)),
      'documento-identita': { filename: 'carta-identita.pdf', content: pdf('carta d’identità') },
      'allegato-1': { filename: 'foto-contatori.pdf', content: pdf('foto dei contatori') },
    },
  );
  if (uploaded.statusCode !== 303)
    throw new Error(`Upload to ${base}: ${uploaded.statusCode}\n${mainText(uploaded.body)}`);
  const validation = await client.get(`${base}/validazione`);
  const commandId = commandIdOf(validation.body);
  if (!commandId) throw new Error(`No INVIA form on ${base}/validazione`);
  return { base, commandId };
}

/** What a page says in its main part, tags left out: enough to tell why it refused. */
const mainText = (html: string) =>
  (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(0, 2_000);

export interface SubmissionRun {
  readonly submissions: number;
  readonly seconds: number;
  /** CPU time of this process (app and clients alike) during the run, in milliseconds. */
  readonly cpuMs: number;
  readonly latencies: readonly number[];
  readonly failures: readonly string[];
}

/**
 * Declarants side by side, each pressing INVIA on its drafts one after the other (self-declaration
 * made, password 'Segreta-2026').
 */
export async function submitConcurrently(
  queues: readonly { client: TestClient; drafts: readonly { base: string; commandId: string }[] }[],
): Promise<SubmissionRun> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    queues.map(async ({ client, drafts }) => {
      for (const { base, commandId } of drafts) {
        const start = performance.now();
        const response = await client.post(`${base}/invia`, { commandId, ...certifiedSending() });
        const elapsed = performance.now() - start;
        if (response.statusCode === 303 && response.headers.location === `${base}/risultato`)
          latencies.push(elapsed);
        else failures.push(`${base}/invia: ${response.statusCode} ${response.body.slice(0, 300)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return { submissions: latencies.length, seconds, cpuMs, latencies, failures };
}

/** Waits until `count` declarations have their copy of record stored (at most 5 minutes). */
export async function copiesStored(db: Kysely<Schema>, count: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const row = await db
      .selectFrom('declarations')
      .select((eb) => eb.fn.countAll<string>().as('stored'))
      .where('copy_of_record_sha256', 'is not', null)
      .executeTakeFirstOrThrow();
    if (Number(row.stored) >= count) return;
    if (Date.now() > deadline) throw new Error(`${row.stored} of ${count} copies stored in 5 min`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
