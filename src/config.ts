import { z } from 'zod';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankAsUndefined, schema.optional());

// What proxy-addr (fastify's trustProxy) accepts as a trusted proxy: an address, a network or a name.
const proxyAddress = z.union([
  z.ipv4(),
  z.ipv6(),
  z.cidrv4(),
  z.cidrv6(),
  z.enum(['loopback', 'linklocal', 'uniquelocal']),
]);

/**
 * Which proxies may say, by X-Forwarded-For, where a request comes from (login limits and the
 * audit keep the client's address). Unset: none. Never `true` (the header's leftmost address is
 * whatever the client wrote) nor a number of hops (fastify ignores it: it cannot tell a proxy
 * from a client that wrote the header itself).
 */
const trustProxy = z
  .string()
  .default('')
  .transform((value, ctx): false | string[] => {
    const list = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (list.length === 0) return false;
    if (list.every((item) => proxyAddress.safeParse(item).success)) return list;
    ctx.addIssue({
      code: 'custom',
      message:
        'indirizzi o reti dei proxy davanti al portale, separati da virgola ' +
        '(es. 10.0.0.1,10.1.0.0/16 o loopback)',
    });
    return z.NEVER;
  });

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    /** Portal processes sharing the port (node:cluster); more than one needs PostgreSQL. */
    WORKERS: z.coerce.number().int().min(1).max(64).default(1),
    /** Address people use to reach the portal (links in mails); defaults to http://HOST:PORT. */
    PUBLIC_URL: optional(z.url()),
    TRUST_PROXY: trustProxy,
    /** PostgreSQL (production). Unset: embedded PGlite in DATA_DIR. */
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\//, 'deve iniziare con postgres:// o postgresql://'),
    ),
    DATA_DIR: z.string().min(1).default('./data'),
    /** KurrentDB as the event store (read models stay in PostgreSQL/PGlite). */
    KURRENTDB_URL: optional(z.string().regex(/^(kurrentdb|esdb|kdb)(\+discover)?:\/\//)),
    /** Signs cookies; required in production, generated and kept in DATA_DIR otherwise. */
    COOKIE_SECRET: optional(z.string().min(32, 'almeno 32 caratteri')),
    /**
     * Ed25519 private key (PKCS#8 PEM; `\n` for newlines is accepted) that signs the log's tree
     * heads. Kept outside the database; required in production, generated into DATA_DIR otherwise.
     */
    SEAL_PRIVATE_KEY: optional(z.string().min(1)),
    /**
     * 32 random bytes, base64, that wrap each person's data key (src/platform/personalData). Kept
     * outside the database; required in production, generated into DATA_DIR otherwise.
     */
    PERSONAL_DATA_KEY: optional(
      z
        .string()
        .refine(
          (value) => Buffer.from(value, 'base64').length === 32,
          '32 byte in base64 (openssl rand -base64 32)',
        ),
    ),
    /** SMTP server for outgoing mail. Unset: mail lands in the local mailbox (/dev/mailbox). */
    SMTP_URL: optional(z.string().regex(/^smtps?:\/\//, 'deve iniziare con smtp:// o smtps://')),
    /** Sender of every mail, as "Nome <indirizzo>". */
    MAIL_FROM: z.preprocess(
      blankAsUndefined,
      z
        .string()
        .regex(/@[^@\s>]+>?$/, 'deve contenere un indirizzo, es. Dichiara <noreply@esempio.it>')
        .default('Dichiara <noreply@dichiara.local>'),
    ),
    /** The utility's name as the declarations, the copy of record and the privacy note print it. */
    UTILITY_NAME: z.preprocess(blankAsUndefined, z.string().default('Servizio Idrico Integrato')),
    /**
     * OpenID Connect provider of the national digital identity (SPID/CIE) for municipality officers
     * and observatory admins. Unset outside production: a local demo provider at /spid-locale.
     */
    OIDC_ISSUER: optional(z.url()),
    OIDC_CLIENT_ID: optional(z.string().min(1)),
    OIDC_CLIENT_SECRET: optional(z.string().min(1)),
    /** Where municipalities ask for their digital identity to be associated (seed's support box). */
    OBSERVATORY_SUPPORT_EMAIL: z.preprocess(
      blankAsUndefined,
      z.email('indirizzo e-mail non valido').default('supporto.pugliacon@regione.puglia.it'),
    ),
    /**
     * The video tutorial on enabling, logging in and authenticating (seed: «CLICCA SUL LINK PER
     * VISUALIZZARE IL VIDEO-TUTORIAL…»), linked from the observatory's home and its manual.
     * Unset: no sentence at all, rather than a dead link. https only: a page served over https
     * does not link people to a plain-http address.
     */
    OBSERVATORY_VIDEO_URL: optional(
      z.url({
        protocol: /^https$/,
        normalize: true,
        error: 'indirizzo https:// del video-tutorial (es. https://www.example.it/video)',
      }),
    ),
    /** Where anyone reports a barrier to access (AgID's «meccanismo di feedback», /accessibilita). */
    ACCESSIBILITY_EMAIL: z.preprocess(
      blankAsUndefined,
      z.email('indirizzo e-mail non valido').default('accessibilita@dichiara.local'),
    ),
    /**
     * Domains accepted as institutional e-mail of a municipality, comma-separated; `*` = one label,
     * `{comune}` = the municipality's own name, `{provincia}` = its province (default: its own).
     */
    OBSERVATORY_EMAIL_DOMAINS: z.preprocess(
      blankAsUndefined,
      z
        .string()
        .default(
          'comune.{comune}.it,comune.{comune}.{provincia}.it,*.comune.{comune}.it,*.comune.{comune}.{provincia}.it',
        )
        .transform((list) =>
          list
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean),
        ),
    ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .superRefine((config, ctx) => {
    if (config.WORKERS > 1 && !config.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKERS'],
        message:
          'con più di un processo serve PostgreSQL (DATABASE_URL): PGlite si apre da un processo solo',
      });
    }
    if (config.NODE_ENV === 'production' && !config.SMTP_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_URL'],
        message: 'obbligatorio in produzione (altrimenti la posta resta nella casella locale)',
      });
    }
    for (const name of ['COOKIE_SECRET', 'SEAL_PRIVATE_KEY', 'PERSONAL_DATA_KEY'] as const) {
      if (config.NODE_ENV === 'production' && !config[name]) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'obbligatorio in produzione' });
      }
    }
    if (config.NODE_ENV === 'production' && !config.OIDC_ISSUER) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message: 'obbligatorio in produzione (il fornitore SPID/CIE locale è solo dimostrativo)',
      });
    }
    for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
      if (config.OIDC_ISSUER && !config[name]) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'obbligatorio con OIDC_ISSUER' });
      }
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the environment once at start-up and fails fast, naming every wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Configurazione non valida:\n${lines.join('\n')}`);
}
