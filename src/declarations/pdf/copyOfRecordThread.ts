import { Worker } from 'node:worker_threads';
import type { CopyOfRecordInput } from './copyOfRecord.js';

/**
 * renderCopyOfRecord on a thread of its own. A copy of record takes 50–80 ms of CPU; rendered on
 * the main thread it holds every request behind it, so at a campaign's deadline INVIA would wait
 * for everybody's PDFs. The thread starts at the first copy, keeps its parsed fonts between
 * copies, and ends after a minute without work; it never keeps the process alive. Same code,
 * same input: the same bytes as rendering in the main thread.
 */
const idleMs = 60_000;
const entry = new URL('./copyOfRecordWorker.ts', import.meta.url).href;
// TypeScript in the thread: the worker loads tsx's loader, then the renderer (as npm start does).
const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;

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
    else waiting?.reject(new Error(message.error ?? 'copy of record not rendered'));
    if (pending.size === 0) idle = setTimeout(() => void started.terminate(), idleMs).unref();
  });
  const fail = (error: Error) => {
    worker = null;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  started.on('error', fail);
  started.on('exit', () => fail(new Error('The copy of record thread ended')));
  worker = started;
  return started;
}

export function renderCopyOfRecordOffThread(input: CopyOfRecordInput): Promise<Buffer> {
  if (idle) clearTimeout(idle);
  idle = null;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    thread().postMessage({ id, input });
  });
}
