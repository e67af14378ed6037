// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LATER = {
  coordination: ['monitoring', 'performance', 'supervision', 'improvement', 'diagnostic'],
  monitoring: ['performance', 'supervision', 'improvement', 'diagnostic'],
  performance: ['supervision', 'improvement', 'diagnostic'],
  supervision: ['improvement', 'diagnostic'],
  improvement: ['diagnostic'],
  diagnostic: [],
};
const TECHNOLOGY = [
  'kysely',
  'fastify',
  'pg',
  'better-sqlite3',
  'node:fs',
  'node:fs/promises',
  '@fastify/*',
];
const OUTER = ['store', 'runtime', 'interfaces', 'simulation'];

/** Folders a file under src/<folder> must not import from, as glob patterns. */
const banned = (folders) => folders.flatMap((f) => [`**/${f}/*`, `../${f}/*`, `../../${f}/*`]);

const restrict = (files, folders, packages, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...(folders.length > 0 ? [{ group: banned(folders), message }] : []),
          ...(packages.length > 0
            ? [{ group: packages, message: 'dimension folders hold decisions, not technology' }]
            : []),
        ],
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'data',
      'web/dist',
      'bench/results',
      'test-results',
      'bin',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  // The dashboard runs in the browser; event handlers written as arrows returning a call are idiomatic JSX.
  {
    files: ['web/src/**'],
    rules: {
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/*', 'node:*'],
              message: 'the dashboard speaks to the server only through the HTTP API',
            },
          ],
        },
      ],
    },
  },
  // Dependencies point backwards only: interfaces → runtime → dimensions → core; store → core.
  restrict(
    ['src/core/**'],
    [...Object.keys(LATER), ...OUTER],
    TECHNOLOGY,
    'core depends on nothing else',
  ),
  ...Object.entries(LATER).map(([dimension, later]) =>
    restrict(
      [`src/${dimension}/**`],
      [...later, ...OUTER],
      TECHNOLOGY,
      `${dimension} may depend only on earlier dimensions and core`,
    ),
  ),
  restrict(
    ['src/store/**'],
    [...Object.keys(LATER), 'runtime', 'interfaces', 'simulation'],
    [],
    'store depends on core only',
  ),
  restrict(['src/runtime/**'], ['interfaces'], [], 'runtime does not know its interfaces'),
  restrict(
    ['src/interfaces/**', 'src/sdk/**'],
    ['store'],
    [],
    'interfaces reach the store only through runtime',
  ),
);
