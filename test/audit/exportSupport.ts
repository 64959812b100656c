import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const sha256 = (content: string | Buffer) =>
  createHash('sha256').update(content).digest('hex');

/** SHA256SUMS written again over an extracted export's files, after a test changed one. */
export function writeSums(dir: string): void {
  const sums = [
    'events.jsonl',
    'events.csv',
    'trasparenza.json',
    'manifest.json',
    'verifyExport.mjs',
  ]
    .map((name) => `${sha256(readFileSync(join(dir, name)))}  ${name}`)
    .join('\n');
  writeFileSync(join(dir, 'SHA256SUMS'), `${sums}\n`);
}
