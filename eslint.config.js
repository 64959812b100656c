import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'bench/results', 'public', 'dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Fastify handlers and plugins are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Decisions are pure: the domain knows nothing of the web, the database or the runtime.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fastify', '@fastify/*', 'kysely', 'pg', '@electric-sql/*'],
              message: 'domain/ stays pure: no I/O imports.',
            },
            {
              group: ['../../src/*', '../../projections/*'],
              message: 'domain/ does not depend on adapters.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time comes in with the command.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Ids come in with the command.',
        },
        {
          selector:
            "CallExpression[callee.object.name='crypto'][callee.property.name='randomUUID']",
          message: 'Ids come in with the command.',
        },
      ],
    },
  },
  {
    // Read models know the domain and the platform, never the pages or the process managers.
    files: ['projections/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!platform/)',
              message: 'projections/ imports only domain/ and src/platform/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The app is the list of areas: no area reaches back into it, nor into another's stand-ins.
    files: ['src/**/*.ts'],
    ignores: ['src/app.ts', 'src/portal.ts', 'src/main.ts', 'src/dev/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+app\\.js$', message: 'Dependencies come from src/deps.ts.' },
            { regex: '^(\\.\\./)+dev/', message: 'src/dev/ is registered by app.ts only.' },
          ],
        },
      ],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  {
    // Plain-node scripts: the export's checker handed to third parties, npm's build and start.
    files: ['scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
  },
);
