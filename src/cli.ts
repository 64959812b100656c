import pino from 'pino';
import { campaignsOpen } from './cli/campaignsOpen.js';
import { companiesInvite } from './cli/companiesInvite.js';
import { eventsVerify } from './cli/eventsVerify.js';
import {
  observatoryAssign,
  observatoryGrantAdmin,
  observatoryRevokeAdmin,
} from './cli/observatory.js';
import { projectionsRebuild } from './cli/projectionsRebuild.js';
import { registryImport } from './cli/registryImport.js';
import { usersCreate } from './cli/usersCreate.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirLockedError } from './db/dataDirLock.js';
import { openRuntime, type Runtime } from './runtime.js';

type Command = (runtime: Runtime, args: readonly string[], config: Config) => Promise<number>;

const out = (line: string) => console.log(line);
const logger = pino({ level: 'warn' });

const commands: Record<string, { usage: string; run: Command }> = {
  'events:verify': {
    usage: "events:verify                 verify every stream's hash chain",
    run: (runtime) => eventsVerify(runtime, out),
  },
  'users:create': {
    usage:
      'users:create --role operator|auditor|admin --username U --name "N" --email E [--password P]',
    run: (runtime, args) => usersCreate(runtime, args, out),
  },
  'companies:invite': {
    usage: 'companies:invite --customer-code C --pec P   invite a company known to the registry',
    run: (runtime, args) => companiesInvite(runtime, args, out),
  },
  'registry:import': {
    usage: 'registry:import FILE            import the utility registry (CSV or XLSX)',
    run: (runtime, args) => registryImport(runtime, args, out),
  },
  'campaigns:open': {
    usage:
      'campaigns:open --year Y --deadline YYYY-MM-DD [--template-version V] [--volume-tolerance %] [--year-on-year-tolerance %] [--tariff-file F.json] [--limits-file F.json]   open the yearly declaration campaign',
    run: (runtime, args) => campaignsOpen(runtime, args, out),
  },
  'observatory:grant-admin': {
    usage:
      'observatory:grant-admin --fiscal-code CF      make a digital identity an observatory admin',
    run: (runtime, args) => observatoryGrantAdmin(runtime, args, out),
  },
  'observatory:revoke-admin': {
    usage:
      'observatory:revoke-admin --fiscal-code CF --reason "R"   revoke an admin (never the last)',
    run: (runtime, args) => observatoryRevokeAdmin(runtime, args, out),
  },
  'observatory:assign': {
    usage:
      'observatory:assign --istat 072006 --fiscal-code CF --email E   the one user of a municipality',
    run: (runtime, args, config) => observatoryAssign(runtime, args, out, config),
  },
  'projections:rebuild': {
    usage: 'projections:rebuild [name]    empty and replay one read model, or all',
    run: (runtime, args, config) =>
      projectionsRebuild(runtime, args, { logger, out, utilityName: config.UTILITY_NAME }),
  },
};

function usage(): string {
  const lines = Object.values(commands).map((command) => `  npm run cli -- ${command.usage}`);
  return `Usage:\n${lines.join('\n')}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(name && name !== 'help' ? `Unknown command "${name}".\n${usage()}` : usage());
    return name && name !== 'help' ? 2 : 0;
  }
  const config = loadConfig();
  const runtime = await openRuntime(config);
  try {
    return await command.run(runtime, args, config);
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof DataDirLockedError;
    console.error(known ? (error as Error).message : error);
    process.exit(1);
  },
);
