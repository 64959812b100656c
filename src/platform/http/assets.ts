import staticFiles from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The design system, htmx and our own CSS/JS, served from this process: no CDN. */
export async function registerAssets(
  app: FastifyInstance,
  options: { maxAgeSeconds: number },
): Promise<void> {
  const common = {
    maxAge: options.maxAgeSeconds * 1000,
    decorateReply: false,
    index: false,
  } as const;
  await app.register(staticFiles, {
    ...common,
    root: join(packageDir('bootstrap-italia'), 'dist'),
    prefix: '/assets/bootstrap-italia/',
    allowedPath: (path) => /^\/(css|js|fonts|svg|assets)\//.test(path),
  });
  await app.register(staticFiles, {
    ...common,
    root: join(packageDir('htmx.org'), 'dist'),
    prefix: '/assets/htmx/',
    allowedPath: (path) => path === '/htmx.min.js',
  });
  await app.register(staticFiles, {
    ...common,
    root: fileURLToPath(new URL('../../../public', import.meta.url)),
    prefix: '/assets/app/',
  });
}
