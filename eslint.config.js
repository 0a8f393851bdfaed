// Lint rules, including the layer boundaries that keep runtime/ pure and workflows deterministic.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/*',
  'http',
  'http2',
  'https',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'stream/*',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'designer/dist/', '.baton/', '.tools/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['*.js', 'bin/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // runtime/ runs in the browser and in the Temporal workflow sandbox: no I/O, no Node built-ins,
    // and it never reaches up into the layers that host it.
    files: ['runtime/**/*.ts'],
    ignores: ['runtime/**/*.test.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'runtime/ must not use Node built-ins.' },
            {
              group: [
                '**/platform/**',
                '**/workflows/**',
                '**/designer/**',
                'postgres',
                'kysely*',
                '@temporalio/*',
                'hono*',
                '@hono/*',
              ],
              message: 'runtime/ is the pure core: it must not import I/O layers.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'setTimeout', 'setInterval', 'fetch'],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'runtime/ takes the current time as an input.',
        },
        { object: 'Math', property: 'random', message: 'runtime/ must be deterministic.' },
      ],
    },
  },
  {
    // Workflow code is bundled by the Temporal SDK into a deterministic sandbox.
    files: ['workflows/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflow code must not use Node built-ins.' },
            {
              group: [
                '**/platform/**',
                'postgres',
                'kysely*',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Workflow code may only import runtime/ and @temporalio/workflow.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read untyped JSON answers; `any` there is the honest type.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['designer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
