// ESLint flat config. Besides the usual TypeScript rules it enforces two architectural rules:
// determinism (engine/ and node code read time, randomness and timers only through ctx) and the
// import boundaries of docs/architecture (engine/ imports none of store/, server/, cli/, nodes/;
// node code reaches data through ctx). Node code is nodes/, examples/, and every folder named in
// a project's sluice.config.ts or given with --nodes: `sluice nodes --check` lints those with
// nodeFolderLintConfig() below, the same rules (they may live outside this repository, where a
// config's file patterns cannot reach).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const nondeterminism = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'Read time through ctx.now() (engine: the injected Clock). Date.now() breaks replay and simulation.',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'new Date() reads the wall clock: use ctx.now() (engine: the injected Clock) and pass the time in.',
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: 'Use ctx.random(key): keyed randomness is what makes a run replayable.',
  },
]

/** Determinism: no wall clock, unkeyed randomness or timers. */
const deterministicRules = {
  'no-restricted-syntax': ['error', ...nondeterminism],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Waits are due times in the database, not timers.' },
    { name: 'setInterval', message: 'The scheduler ticks on the next due time; no intervals in engine/ or node code.' },
  ],
}

/** Node code reaches data through ctx, never the store or the server. */
const nodeImportRules = {
  'no-restricted-imports': ['error', {
    patterns: [
      { group: ['**/store/**', '**/server/**', '**/cli/**', '**/editor/**'], message: 'Nodes reach data through ctx, never store/ or server/.' },
    ],
  }],
}

/** What every TypeScript file of the project is linted with. */
const common = [
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-throw-literal': 'error',
    },
  },
]

/** Built-in and example node types in this repository. */
const NODE_CODE = ['nodes/**/*.ts', 'examples/**/*.ts']

/**
 * The lint config of one node-type folder linted on its own (the folder is ESLint's working
 * directory): the common rules, determinism and the node import boundaries, tests exempt from
 * the last two as in nodes/.
 */
export function nodeFolderLintConfig() {
  return tseslint.config(
    { ignores: ['node_modules/**'] },
    ...common,
    { files: ['**/*.ts', '**/*.mts'], ignores: ['**/*.test.ts'], rules: { ...deterministicRules, ...nodeImportRules } },
  )
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'editor/dist/**', 'coverage/**', 'test/fixtures/lint/**'] },
  ...common,
  {
    files: ['engine/**/*.ts', ...NODE_CODE],
    ignores: ['**/*.test.ts', 'engine/clock/real-clock.ts'],
    rules: deterministicRules,
  },
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/store/**', '**/server/**', '**/cli/**', '**/editor/**', '**/nodes/**'], message: 'engine/ is the framework-free core: it reaches storage and channels through ports.' },
          { group: ['hono', 'hono/*', 'react', 'drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', 'pg'], message: 'engine/ imports no framework or driver.' },
        ],
      }],
    },
  },
  {
    files: NODE_CODE,
    ignores: ['**/*.test.ts'],
    rules: nodeImportRules,
  },
)
