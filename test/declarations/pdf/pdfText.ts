import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The text of a PDF as poppler's pdftotext extracts it (-layout keeps table rows on one line).
 * Without poppler-utils the test fails, it does not skip: CI installs them.
 */
export const pdfText = (pdf: Buffer): Promise<string> =>
  poppler('pdftotext', pdf, (file) => ['-layout', '-enc', 'UTF-8', file, '-']);

/** The info dictionary as poppler's pdfinfo prints it, dates in ISO 8601. */
export const pdfInfo = (pdf: Buffer): Promise<string> =>
  poppler('pdfinfo', pdf, (file) => ['-isodates', file]);

async function poppler(
  tool: 'pdftotext' | 'pdfinfo',
  pdf: Buffer,
  args: (file: string) => string[],
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dichiara-pdf-'));
  try {
    const file = join(dir, 'document.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run(tool, args(file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT')
        throw new Error(
          `${tool} not found: install poppler-utils (apt-get install poppler-utils).`,
        );
      throw error;
    });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Text with runs of spaces collapsed, for phrases that -layout may pad. */
export const squeezed = (text: string): string => text.replace(/[ \t]+/g, ' ');
