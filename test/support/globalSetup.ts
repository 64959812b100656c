import { existsSync } from 'node:fs';
import chromium from '@sparticuz/chromium';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests, or null: then only PGlite runs. */
    postgresUrl: string | null;
    /** A KurrentDB server for the adapter's contract suite, or null: then it is skipped. */
    kurrentUrl: string | null;
  }
}

const dockerAvailable = () =>
  Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');

/**
 * Real PostgreSQL for the tests: a testcontainers server where Docker runs, else DATABASE_URL,
 * else none (PGlite only, and the PostgreSQL-only tests say they were skipped).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The browser that @sparticuz/chromium ships, unpacked once before files run side by side.
  if (!process.env.CHROMIUM_PATH) await chromium.executablePath();
  if (dockerAvailable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const { GenericContainer, Wait } = await import('testcontainers');
    const postgres = await new PostgreSqlContainer('postgres:17-alpine').start();
    const kurrent = process.env.KURRENTDB_URL
      ? null
      : await new GenericContainer('docker.kurrent.io/kurrent-latest/kurrentdb:latest')
          .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'None' })
          .withExposedPorts(2113)
          .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
          .start();
    project.provide('postgresUrl', postgres.getConnectionUri());
    project.provide(
      'kurrentUrl',
      kurrent
        ? `kurrentdb://${kurrent.getHost()}:${kurrent.getMappedPort(2113)}?tls=false`
        : (process.env.KURRENTDB_URL ?? null),
    );
    return async () => {
      await kurrent?.stop();
      await postgres.stop();
    };
  }
  project.provide('kurrentUrl', process.env.KURRENTDB_URL || null);
  const url = process.env.DATABASE_URL || null;
  // Set up once per project (unit, int, e2e…): said once.
  const said = globalThis as { dichiaraSkipSaid?: boolean };
  if (!url && !said.dichiaraSkipSaid) {
    said.dichiaraSkipSaid = true;
    console.warn(
      '[tests] No Docker and no DATABASE_URL: the PostgreSQL variants are skipped; PGlite runs.',
    );
  }
  project.provide('postgresUrl', url);
  return async () => {};
}
