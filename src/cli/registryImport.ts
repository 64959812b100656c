import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { systemContext } from '../accounts/staffAccounts.js';
import { importRegistry } from '../registry/importRegistry.js';
import { parseRegistryFile, RegistryFileError } from '../registry/registryFile.js';
import type { Runtime } from '../runtime.js';

/** registry:import FILE — the utility's customer/contract registry, CSV or XLSX. */
export async function registryImport(
  runtime: Runtime,
  args: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  const [path] = args;
  if (!path) {
    out('Indicare il file: npm run cli -- registry:import anagrafica.csv');
    return 2;
  }
  const content = await readFile(path);
  try {
    const parsed = await parseRegistryFile(path, content);
    await importRegistry(
      { db: runtime.database.db, store: runtime.eventStore },
      { name: basename(path), content },
      parsed,
      {
        ...systemContext(new Date()),
        commandId: randomUUID(),
      },
    );
    out(
      `Importate ${parsed.rows.length} coppie codice cliente/contratto; scartate ${parsed.rejected.length}.`,
    );
    for (const rejected of parsed.rejected.slice(0, 50))
      out(`  riga ${rejected.line}: ${rejected.reason}`);
    if (parsed.rejected.length > 50)
      out(`  … e altre ${parsed.rejected.length - 50} righe scartate`);
    return 0;
  } catch (error) {
    if (!(error instanceof RegistryFileError)) throw error;
    out(error.message);
    return 1;
  }
}
