import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole, commandContext } from '../accounts/auth.js';
import type { AreaDeps } from '../deps.js';
import { parseBody } from '../platform/http/command.js';
import { safeFileName } from '../platform/http/text.js';
import { importRegistry, registryStream } from './importRegistry.js';
import { registryPairCount } from './registry.js';
import { parseRegistryFile, RegistryFileError } from './registryFile.js';

const zipSignature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const chooseFile = 'Scegliere il file da importare.';

/** The form's one input: a file (a text field of that name is none), its name made safe to keep. */
const registryUpload = z.object({
  file: z
    .custom<MultipartFile>(
      (part) => (part as Partial<MultipartFile> | undefined)?.type === 'file',
      chooseFile,
    )
    .transform((part) => ({ name: safeFileName(part.filename), part })),
});

/** Why the chosen file cannot be read as a registry, or null. */
function fileProblem(name: string, content: Buffer): string | null {
  if (content.length === 0) return chooseFile;
  if (!/\.(csv|xlsx)$/i.test(name)) return 'Il file deve essere in formato CSV o Excel (.xlsx).';
  if (/\.xlsx$/i.test(name) && !content.subarray(0, 4).equals(zipSignature))
    return 'Il file non è un file Excel .xlsx valido.';
  return null;
}

/** "Anagrafica clienti/contratti": the operators upload the utility's registry export. */
export function registryRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const { db } = deps.database;
  const staffOnly = { preHandler: requireRole('operator', 'admin') };

  const page = async (extra: object) => {
    const pairs = await registryPairCount(db);
    // Reads the stream: the past imports are its history, and no read model keeps them.
    const { events } = await deps.eventStore.readStream(registryStream.id());
    const imports = events
      .slice(-10)
      .reverse()
      .map((event) => ({ ...event.data, at: event.metadata.occurredAt }));
    return { title: 'Anagrafica clienti e contratti', pairs, imports, ...extra };
  };

  // '' is the area's prefix itself, /operatori/anagrafica (see index.ts).
  app.get('', staffOnly, async (_request, reply) =>
    reply.view('registry/registry', await page({})),
  );

  // Not a redirect after the import: the report of the rows refused is shown once, here.
  app.post('', staffOnly, async (request, reply) => {
    const refuse = async (problem: string) =>
      reply.code(422).view('registry/registry', await page({ errors: { file: problem } }));
    const form = parseBody(registryUpload, request);
    if (!form.ok) return refuse(chooseFile);
    const { name, part } = form.data.file;
    const content = await part.toBuffer();
    const problem = fileProblem(name, content);
    if (problem) return refuse(problem);
    try {
      const parsed = await parseRegistryFile(name, content);
      await importRegistry(
        { db, store: deps.eventStore },
        { name, content },
        parsed,
        commandContext(request, deps.clock()),
      );
      return reply.view(
        'registry/registry',
        await page({
          report: { fileName: name, accepted: parsed.rows.length, rejected: parsed.rejected },
        }),
      );
    } catch (error) {
      if (!(error instanceof RegistryFileError)) throw error;
      return refuse(error.message);
    }
  });
}
