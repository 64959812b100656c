import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { offThread } from '../../../src/platform/documents/renderThread.js';

const renderer = new URL('./support/countingRenderer.ts', import.meta.url);
const counted = offThread<number>(renderer, 'counted');

describe('the render thread', () => {
  it('makes the documents asked at once one after the other', async () => {
    const made = await Promise.all([30, 10, 20, 10, 5].map((ms) => counted(ms)));
    expect(made.map(String)).toEqual(['1', '1', '1', '1', '1']);
  });

  it('answers a document it could not make with where on the thread it failed', async () => {
    const refused = offThread<string>(renderer, 'refused');
    await expect(refused('Dati mancanti')).rejects.toMatchObject({
      message: 'Error: Dati mancanti',
      stack: expect.stringContaining('countingRenderer.ts') as unknown,
    });
  });

  it('lets a process end once its documents are made, not after the idle time', async () => {
    const thread = fileURLToPath(
      new URL('../../../src/platform/documents/renderThread.ts', import.meta.url),
    );
    const script = `
      const { offThread } = await import(${JSON.stringify(thread)});
      const made = await offThread(new URL(${JSON.stringify(renderer.href)}), 'counted')(1);
      console.log('made', String(made));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const began = performance.now();
    const code = await new Promise<number | null>((resolve) => {
      // The thread idles ten minutes: a process it held would still be there.
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'made 1' });
    expect(performance.now() - began).toBeLessThan(20_000);
  }, 30_000);
});
