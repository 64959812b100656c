import { Worker } from 'node:worker_threads';

/**
 * PDFs rendered on a thread of their own. A copy of record takes 50–80 ms of CPU, a person's data
 * (src/accounts/personalDataPdf.ts) more; rendered on the main thread they hold every request
 * behind them, so at a campaign's deadline INVIA would wait for everybody's PDFs. The thread
 * starts at the first document, keeps its parsed fonts between documents (of any kind), and ends
 * after a minute without work; it never keeps the process alive. Same code, same input: the same
 * bytes as rendering in the main thread.
 */
const idleMs = 60_000;
const entry = new URL('./pdfWorker.ts', import.meta.url).href;
// TypeScript in the thread: the worker loads tsx's loader, then the renderer (as npm start does).
const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;

/** What the thread is asked: which module's exported renderer, and its input (cloned). */
export interface PdfJob {
  readonly id: number;
  readonly module: string;
  readonly renderer: string;
  readonly input: unknown;
}

interface Pending {
  readonly resolve: (pdf: Buffer) => void;
  readonly reject: (error: Error) => void;
}

let worker: Worker | null = null;
let idle: NodeJS.Timeout | null = null;
let nextId = 0;
const pending = new Map<number, Pending>();

function thread(): Worker {
  if (worker) return worker;
  const started = new Worker(boot, { eval: true });
  started.unref();
  started.on('message', (message: { id: number; pdf?: Uint8Array; error?: string }) => {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.pdf) waiting?.resolve(Buffer.from(message.pdf));
    else waiting?.reject(new Error(message.error ?? 'PDF not rendered'));
    if (pending.size === 0) idle = setTimeout(() => void started.terminate(), idleMs).unref();
  });
  const fail = (error: Error) => {
    worker = null;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  started.on('error', fail);
  started.on('exit', () => fail(new Error('The PDF thread ended')));
  worker = started;
  return started;
}

/**
 * A renderer run on the thread: `module` (a file URL, e.g. `new URL('./x.ts', import.meta.url)`)
 * exports `renderer`, an async function from `Input` (plain data, as postMessage clones it) to
 * the PDF's bytes.
 */
export function offThread<Input>(module: URL, renderer: string): (input: Input) => Promise<Buffer> {
  return (input) => {
    if (idle) clearTimeout(idle);
    idle = null;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      thread().postMessage({ id, module: module.href, renderer, input } satisfies PdfJob);
    });
  };
}
