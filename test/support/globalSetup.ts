import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests, or null: then only PGlite runs. */
    postgresUrl: string | null;
  }
}

const dockerAvailable = () =>
  Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');

/**
 * Real PostgreSQL for the tests: a testcontainers server where Docker runs, else DATABASE_URL,
 * else none (PGlite only, and the PostgreSQL-only tests say they were skipped).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (dockerAvailable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    project.provide('postgresUrl', container.getConnectionUri());
    return async () => {
      await container.stop();
    };
  }
  const url = process.env.DATABASE_URL || null;
  if (!url) {
    console.warn(
      '[tests] No Docker and no DATABASE_URL: the PostgreSQL variants are skipped; PGlite runs.',
    );
  }
  project.provide('postgresUrl', url);
  return async () => {};
}
