import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { requireRole, commandContext } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { importRegistry, registryStreamId } from '../registry/importRegistry.js';
import { parseRegistryFile, RegistryFileError } from '../registry/registryFile.js';

const zipSignature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** "Anagrafica clienti/contratti": the operators upload the utility's registry export. */
export function registryRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const staffOnly = { preHandler: requireRole('operator', 'admin') };

  const page = async (extra: object) => {
    const { count } = await db
      .selectFrom('utility_registry')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    const { events } = await deps.eventStore.readStream(registryStreamId);
    const imports = events
      .slice(-10)
      .reverse()
      .map((event) => ({ ...event.data, at: event.metadata.occurredAt }));
    return { title: 'Anagrafica clienti e contratti', pairs: Number(count), imports, ...extra };
  };

  app.get('/operatori/anagrafica', staffOnly, async (_request, reply) =>
    reply.view('operators/registry', await page({})),
  );

  app.post('/operatori/anagrafica', staffOnly, async (request, reply) => {
    const file = (request.body as Record<string, unknown> | undefined)?.file as
      MultipartFile | undefined;
    const content = file?.type === 'file' ? await file.toBuffer() : null;
    const problem =
      !file || !content || content.length === 0
        ? 'Scegliere il file da importare.'
        : !/\.(csv|xlsx)$/i.test(file.filename)
          ? 'Il file deve essere in formato CSV o Excel (.xlsx).'
          : /\.xlsx$/i.test(file.filename) && !content.subarray(0, 4).equals(zipSignature)
            ? 'Il file non è un file Excel .xlsx valido.'
            : null;
    if (problem)
      return reply.code(422).view('operators/registry', await page({ errors: { file: problem } }));
    try {
      const parsed = await parseRegistryFile(file!.filename, content!);
      await importRegistry(
        { db, store: deps.eventStore },
        { name: file!.filename, content: content! },
        parsed,
        commandContext(request, deps.clock()),
      );
      return reply.view(
        'operators/registry',
        await page({
          report: {
            fileName: file!.filename,
            accepted: parsed.rows.length,
            rejected: parsed.rejected,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof RegistryFileError)) throw error;
      return reply
        .code(422)
        .view('operators/registry', await page({ errors: { file: error.message } }));
    }
  });
}
