import { parentPort } from 'node:worker_threads';
import type { RenderJob } from './renderThread.js';

type Renderer = (input: unknown) => Promise<Buffer>;

/** The thread of renderThread.ts: one document per message, in turn. */
parentPort?.on('message', ({ id, module, renderer, input }: RenderJob) => {
  import(module)
    .then((loaded: Record<string, Renderer>) => {
      const render = loaded[renderer];
      if (typeof render !== 'function') throw new Error(`${module} exports no ${renderer}`);
      return render(input);
    })
    .then(
      (bytes) => parentPort?.postMessage({ id, bytes }),
      (error: unknown) => parentPort?.postMessage({ id, error: String(error) }),
    );
});
