import { parentPort } from 'node:worker_threads';
import type { RenderJob } from './renderThread.js';

type Renderer = (input: unknown) => Promise<Buffer>;

/** The document under way, and those asked after it: made one after the other. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * The thread of renderThread.ts: one document per message, in turn. Not side by side: twenty
 * templates asked at once (Ditte downloading them at a deadline) would each hold its workbook in
 * this heap between its awaits.
 */
parentPort?.on('message', ({ id, module, renderer, input }: RenderJob) => {
  queue = queue
    .then(() => import(module))
    .then((loaded: Record<string, Renderer>) => {
      const render = loaded[renderer];
      if (typeof render !== 'function') throw new Error(`${module} exports no ${renderer}`);
      return render(input);
    })
    .then(
      (bytes) => parentPort?.postMessage({ id, bytes }),
      (error: unknown) =>
        parentPort?.postMessage({
          id,
          error: String(error),
          stack: error instanceof Error ? error.stack : undefined,
        }),
    );
});
