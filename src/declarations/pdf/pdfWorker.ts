import { parentPort } from 'node:worker_threads';
import type { PdfJob } from './pdfThread.js';

type Renderer = (input: unknown) => Promise<Buffer>;

/** The thread of pdfThread.ts: one document per message, in turn. */
parentPort?.on('message', ({ id, module, renderer, input }: PdfJob) => {
  import(module)
    .then((loaded: Record<string, Renderer>) => {
      const render = loaded[renderer];
      if (typeof render !== 'function') throw new Error(`${module} exports no ${renderer}`);
      return render(input);
    })
    .then(
      (pdf) => parentPort?.postMessage({ id, pdf }),
      (error: unknown) => parentPort?.postMessage({ id, error: String(error) }),
    );
});
