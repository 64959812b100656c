import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * PDFs rendered on a thread of their own. A copy of record takes 50–80 ms of CPU, a person's data
 * (src/accounts/personalDataPdf.ts) more; rendered on the main thread they hold every request
 * behind them, so at a campaign's deadline INVIA would wait for everybody's PDFs. The thread
 * starts at the first document, keeps its parsed fonts and compiled code between documents (of any
 * kind), and ends after ten minutes without work; it keeps the process alive while it makes a
 * document, never while it idles. Same code, same input: the same document as made on the main
 * thread.
 *
 * The Excel templates too (src/declarations/workbooks/index.ts, the observatory's file): one takes
 * 5–8 ms of CPU and as much again of the main thread's garbage collection, at each save of a
 * declaration typed online. Made here, the main thread never loads exceljs; bench:app, 8 December:
 * main-thread CPU per online save 15–18 → 7–8 ms, the whole process's unchanged (26–28 ms),
 * p99 56–67 → 44–50 ms. A template asked while copies of record are rendered waits for them.
 *
 * Ten minutes rather than one: a declarant typing online saves every few minutes, and on a thread
 * started anew the first template took 557 ms, the next ones 63, 33 and 14 ms (exceljs loaded and
 * compiled again; beside a benchmark, 8 December).
 */
const idleMs = 10 * 60_000;

/**
 * The module `name` beside `base` (an import.meta.url): `name.ts` in the sources, run by tsx,
 * `name.js` compiled (npm run build, or npm start's compiled sources), where the strings stay as
 * they are.
 */
export const moduleBeside = (base: string, name: string): URL =>
  new URL(`./${name}${extname(fileURLToPath(base))}`, base);

const entry = moduleBeside(import.meta.url, 'renderWorker');
// From the sources (npm run dev, the tests), the thread loads tsx's loader first; compiled, plain JS.
const boot = entry.pathname.endsWith('.ts')
  ? `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`
  : `import(${JSON.stringify(entry.href)})`;

/** What the thread is asked: which module's exported renderer, and its input (cloned). */
export interface RenderJob {
  readonly id: number;
  readonly module: string;
  readonly renderer: string;
  readonly input: unknown;
}

interface Pending {
  readonly resolve: (bytes: Buffer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** A document not back in this time is given up, and the thread with it (it may be stuck). */
const jobTimeoutMs = 60_000;

/** The thread now in use, with the jobs it was given: a thread that ends fails its own only. */
interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** A job done with (answered, or never sent): the thread let go, and idle, once it has none. */
  readonly settle: (id: number) => Pending | undefined;
}

let current: Thread | null = null;
let idle: NodeJS.Timeout | null = null;
let nextId = 0;

function thread(): Thread {
  if (current) return current;
  // A document's objects live as long as it takes to render it: 8 MB of young generation are
  // enough for them, where V8's default grows to 32 MB. The old generation keeps its default.
  // The portal's own setting (src/allocator.ts, a V8 flag: 2 × 1 MB) wins over this where set.
  const worker = new Worker(boot, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const pending = new Map<number, Pending>();
  const retire = () => {
    if (current === started) current = null;
  };
  const settle = (id: number) => {
    const waiting = pending.get(id);
    pending.delete(id);
    if (waiting) clearTimeout(waiting.timer);
    if (pending.size > 0) return waiting;
    worker.unref();
    if (current === started)
      idle = setTimeout(() => {
        retire();
        void worker.terminate();
      }, idleMs).unref();
    return waiting;
  };
  const started: Thread = { worker, pending, settle };
  worker.on(
    'message',
    (message: { id: number; bytes?: Uint8Array; error?: string; stack?: string }) => {
      const waiting = settle(message.id);
      if (message.bytes) return waiting?.resolve(Buffer.from(message.bytes));
      const failure = new Error(message.error ?? 'Document not made');
      // The logs show where on the thread it failed, not where its answer arrived.
      if (message.stack) failure.stack = message.stack;
      waiting?.reject(failure);
    },
  );
  const fail = (error: Error) => {
    retire();
    for (const waiting of pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', () => fail(new Error('The render thread ended')));
  // Held by the documents it makes (offThread), not by its idle time; after the listeners, as a
  // 'message' listener added later holds the process open again.
  worker.unref();
  current = started;
  return started;
}

/**
 * A renderer run on the thread: `module` (a file URL, e.g. `moduleBeside(import.meta.url, 'x')`)
 * exports `renderer`, an async function from `Input` (plain data, as postMessage clones it) to
 * the document's bytes.
 */
export function offThread<Input>(module: URL, renderer: string): (input: Input) => Promise<Buffer> {
  return (input) => {
    if (idle) clearTimeout(idle);
    idle = null;
    const id = nextId++;
    const { worker, pending, settle } = thread();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The thread may be stuck on it: the next document starts a new one.
        if (current?.worker === worker) current = null;
        void worker.terminate();
        reject(new Error(`Document not made within ${jobTimeoutMs / 1000} s`));
      }, jobTimeoutMs).unref();
      pending.set(id, { resolve, reject, timer });
      worker.ref();
      try {
        worker.postMessage({ id, module: module.href, renderer, input } satisfies RenderJob);
      } catch (error) {
        settle(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };
}
