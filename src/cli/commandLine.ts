import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { DataDirLockedError } from '../platform/db/dataDirLock.js';
import type { Runtime } from '../runtime.js';

type Command = (
  runtime: Runtime,
  args: readonly string[],
  config: Config,
  out: (line: string) => void,
) => Promise<number>;

/** Where a run writes: its lines of output, and the errors that stop it. */
export interface CommandLineOutput {
  readonly out: (line: string) => void;
  readonly error: (message: string) => void;
}

const logger = pino({ level: 'warn' });

// Each command's module is loaded when it runs, so `help` or one command does not load them all.
const commands: Record<string, { usage: string; run: Command }> = {
  'events:verify': {
    usage: "events:verify                 verify every stream's hash chain",
    run: async (runtime, _args, _config, out) =>
      (await import('./eventsVerify.js')).eventsVerify(runtime, out),
  },
  'log:check-head': {
    usage:
      'log:check-head FILE           check a kept signed tree head against the log as it is now',
    run: async (runtime, args, _config, out) =>
      (await import('./logCheckHead.js')).logCheckHead(runtime, args, out),
  },
  'log:prove': {
    usage:
      'log:prove --evento ID [--dimensione N] | --da N --a M   an inclusion or a consistency proof (JSON)',
    run: async (runtime, args, _config, out) =>
      (await import('./logProve.js')).logProve(runtime, args, out),
  },
  'users:create': {
    usage:
      'users:create --role operator|auditor|admin --username U --name "N" --email E [--password P]',
    run: async (runtime, args, _config, out) =>
      (await import('./usersCreate.js')).usersCreate(runtime, args, out),
  },
  'companies:invite': {
    usage: 'companies:invite --customer-code C --pec P   invite a company known to the registry',
    run: async (runtime, args, _config, out) =>
      (await import('./companiesInvite.js')).companiesInvite(runtime, args, out),
  },
  'registry:import': {
    usage: 'registry:import FILE            import the utility registry (CSV or XLSX)',
    run: async (runtime, args, _config, out) =>
      (await import('./registryImport.js')).registryImport(runtime, args, out),
  },
  'campaigns:open': {
    usage:
      'campaigns:open --year Y --deadline YYYY-MM-DD [--template-version V] [--volume-tolerance %] [--year-on-year-tolerance %] [--reminder-days "30,7"] [--tariff-file F.json] [--limits-file F.json]   open the yearly declaration campaign',
    run: async (runtime, args, _config, out) =>
      (await import('./campaignsOpen.js')).campaignsOpen(runtime, args, out),
  },
  'reminders:run': {
    usage: 'reminders:run [--dry-run]      record the deadline reminders due now (or list them)',
    run: async (runtime, args, config, out) =>
      (await import('./remindersRun.js')).remindersRun(runtime, args, {
        logger,
        out,
        utilityName: config.UTILITY_NAME,
      }),
  },
  'observatory:grant-admin': {
    usage:
      'observatory:grant-admin --fiscal-code CF      make a digital identity an observatory admin',
    run: async (runtime, args, _config, out) =>
      (await import('./observatory.js')).observatoryGrantAdmin(runtime, args, out),
  },
  'observatory:revoke-admin': {
    usage:
      'observatory:revoke-admin --fiscal-code CF --reason "R"   revoke an admin (never the last)',
    run: async (runtime, args, _config, out) =>
      (await import('./observatory.js')).observatoryRevokeAdmin(runtime, args, out),
  },
  'observatory:assign': {
    usage:
      'observatory:assign --istat 072006 --fiscal-code CF --email E   the one user of a municipality',
    run: async (runtime, args, config, out) =>
      (await import('./observatory.js')).observatoryAssign(runtime, args, out, config),
  },
  'projections:rebuild': {
    usage: 'projections:rebuild [name]    rebuild one read model, or all, and swap them in',
    run: async (runtime, args, config, out) =>
      (await import('./projectionsRebuild.js')).projectionsRebuild(runtime, args, {
        logger,
        out,
        utilityName: config.UTILITY_NAME,
      }),
  },
};

function usage(): string {
  const lines = Object.values(commands).map((command) => `  npm run cli -- ${command.usage}`);
  return `Usage:\n${lines.join('\n')}`;
}

/**
 * `npm run cli -- <command> [args]`: runs one command on the storage `env` configures and answers
 * its exit code (0 done, 1 refused or failed, 2 wrong usage). src/cli.ts runs it for the process.
 */
export async function runCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  { out, error }: CommandLineOutput,
): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    error(name && name !== 'help' ? `Unknown command "${name}".\n${usage()}` : usage());
    return name && name !== 'help' ? 2 : 0;
  }
  try {
    const config = loadConfig(env);
    const { openRuntime } = await import('../runtime.js');
    const runtime = await openRuntime(config);
    try {
      return await command.run(runtime, args, config, out);
    } finally {
      await runtime.close();
    }
  } catch (failure) {
    const known = failure instanceof ConfigError || failure instanceof DataDirLockedError;
    error(known ? (failure as Error).message : String((failure as Error).stack ?? failure));
    return 1;
  }
}
