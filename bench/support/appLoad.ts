import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemContext } from '../../src/accounts/staffAccounts.js';
import { loadConfig } from '../../src/config.js';
import { company, registerDeclarant, seedDemo } from '../../src/dev/seedDemo.js';
import { importRegistry } from '../../src/registry/importRegistry.js';
import type { RegistryRow } from '../../src/registry/registryFile.js';
import { openRuntime } from '../../src/runtime.js';
import { TestClient } from '../../test/support/client.js';
import { prepareDraft } from './declarationFiling.js';
import type { Declarant } from './declarants.js';
import { portalEnvironment, type Started, type Storage } from './appProcess.js';

/*
 * The declarants' load on a portal of its own process: Ditte made through the commands before it
 * starts, then, over HTTP, each preparing its drafts and pressing INVIA at the same time as the
 * others.
 */

const password = 'Segreta-2026';
const digits = (prefix: string, n: number) => `${prefix}${String(n).padStart(8, '0')}`;

export interface LoadPlan {
  readonly declarants: number;
  readonly contractsEach: number;
}

interface Plan {
  readonly username: string;
  readonly customerCode: string;
  readonly contracts: readonly string[];
}

const plansOf = ({ declarants, contractsEach }: LoadPlan): Plan[] =>
  Array.from({ length: declarants }, (_, i) => ({
    username: `carico.${String(i + 1).padStart(2, '0')}`,
    customerCode: digits('66', i + 1),
    contracts: Array.from({ length: contractsEach }, (_, j) => digits('36', (i + 1) * 100 + j)),
  }));

/**
 * On a storage no portal holds: the demo data where there is none yet (PostgreSQL starts empty),
 * and the load's Ditte, registered, verified and approved, their contracts in the registry. The
 * portal validates the contracts when it starts (a process manager).
 */
export async function seedLoad(storage: Storage, plan: LoadPlan): Promise<void> {
  const config = loadConfig(portalEnvironment(storage));
  const runtime = await openRuntime(config);
  try {
    await seedDemo(runtime, config);
    const plans = plansOf(plan);
    const rows = plans.flatMap((each, i): RegistryRow[] =>
      each.contracts.map((contractNumber) => ({
        customerCode: each.customerCode,
        contractNumber,
        companyName: `Ditta di carico ${i + 1} SPA`,
        plantAddress: 'Via del Lavoro 1, 40100 Bologna (BO)',
      })),
    );
    const context = { ...systemContext(new Date()), commandId: randomUUID() };
    const deps = { db: runtime.database.db, store: runtime.eventStore };
    await importRegistry(
      deps,
      { name: 'carico.csv', content: Buffer.from('') },
      { rows, rejected: [] },
      context,
    );
    for (const [i, each] of plans.entries()) {
      const own = rows.filter((row) => row.customerCode === each.customerCode);
      await registerDeclarant(
        runtime,
        {
          kind: 'ditta',
          username: each.username,
          fullName: `Referente di carico ${i + 1}`,
          password,
          companies: [company(own[0]!, '00743110157', own)],
          approve: true,
        },
        new Date(),
      );
    }
  } finally {
    await runtime.close();
  }
}

/** Each Ditta signed in over HTTP, once the portal shows it its contracts' first step. */
export async function signInLoad(portal: Started, plan: LoadPlan, year: number) {
  return Promise.all(
    plansOf(plan).map(async (each): Promise<Declarant> => {
      const client = new TestClient(portal.url);
      const login = await client.post('/accesso', { username: each.username, password });
      if (login.statusCode !== 303)
        throw new Error(`Login of ${each.username}: ${login.statusCode}`);
      // The contracts are validated by a process manager at start: their steps answer after.
      for (const contract of each.contracts) {
        for (let tries = 0; ; tries++) {
          const step = await client.get(`/dichiarazioni/${year}/${contract}`);
          if (step.statusCode === 200) break;
          if (tries > 600) throw new Error(`${contract}: ${step.statusCode} after a minute`);
          await sleep(100);
        }
      }
      return { client, customerCode: each.customerCode, contracts: each.contracts };
    }),
  );
}

/** Each Ditta's draft of its contract `index` prepared: templates filled, six files uploaded. */
export const prepareRound = (declarants: readonly Declarant[], year: number, index: number) =>
  Promise.all(
    declarants.map(async (declarant) => ({
      client: declarant.client,
      drafts: [await prepareDraft(declarant, year, declarant.contracts[index]!)],
    })),
  );
