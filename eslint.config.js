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

// The same calls reached through globalThis / window (`globalThis.Date.now()`) or destructured
// (`const { now } = Date`) are caught too: each selector matches the global's name or a member
// named like it. engine/sdk/determinism-guard.ts refuses them at run time as well.
/** `Name.member` and `globalThis.Name.member` (any object's `.Name.member`). */
const member = (object, property) => `MemberExpression[property.name=${property}]:matches([object.name='${object}'], [object.property.name='${object}'])`
/** `const { member } = Name` (also `= globalThis.Name`). */
const destructured = (object, property) => `VariableDeclarator:matches([init.name='${object}'], [init.property.name='${object}']) > ObjectPattern > Property[key.name=${property}]`
const isDate = ":matches([callee.name='Date'], [callee.property.name='Date'])"

const nondeterminism = [
  {
    selector: `${member('Date', "'now'")}, ${destructured('Date', "'now'")}`,
    message: 'Read time through ctx.now() (engine: the injected Clock). Date.now() breaks replay and simulation.',
  },
  {
    selector: `NewExpression[arguments.length=0]${isDate}`,
    message: 'new Date() reads the wall clock: use ctx.now() (engine: the injected Clock) and pass the time in.',
  },
  {
    selector: `CallExpression${isDate}`,
    message: 'Date() reads the wall clock: use new Date(ctx.now()) (engine: the injected Clock).',
  },
  {
    selector: `${member('performance', "'now'")}, ${destructured('performance', "'now'")}`,
    message: 'Read time through ctx.now() (engine: the injected Clock). performance.now() breaks replay and simulation.',
  },
  {
    selector: `${member('Math', "'random'")}, ${destructured('Math', "'random'")}`,
    message: 'Use ctx.random(key): keyed randomness is what makes a run replayable.',
  },
  {
    selector: `${member('crypto', '/^(randomUUID|getRandomValues|randomBytes|randomInt)$/')}, ${destructured('crypto', '/^(randomUUID|getRandomValues|randomBytes|randomInt)$/')}`,
    message: 'Use ctx.id() for ids and ctx.random(key) for draws: unkeyed randomness breaks replay.',
  },
]

/** Node code only: settings and secrets reach a node through ctx (the engine itself reads its environment at start-up). */
const nodeNondeterminism = [
  {
    selector: `${member('process', "'env'")}, ${destructured('process', "'env'")}`,
    message: 'Read settings and secrets through ctx (ctx.secrets, ctx.publicUrl), not process.env: a run must not depend on where it runs.',
  },
]

/** Determinism: no wall clock, unkeyed randomness or timers. */
const deterministicRules = {
  'no-restricted-syntax': ['error', ...nondeterminism],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Waits are due times in the database, not timers.' },
    { name: 'setInterval', message: 'The scheduler ticks on the next due time; no intervals in engine/ or node code.' },
    { name: 'setImmediate', message: 'Node code returns its result; the engine decides what runs next, not a timer.' },
  ],
}

/** Determinism of node code: the engine's rules plus no environment. */
const nodeDeterministicRules = { ...deterministicRules, 'no-restricted-syntax': ['error', ...nondeterminism, ...nodeNondeterminism] }

/**
 * Node code reaches data through ctx, never the store or the server, and of the engine it
 * imports the SDK only (`sluice/sdk`, or engine/sdk/index.ts inside this repository): the SDK is
 * the whole surface for node authors, so the engine's other folders can change under them.
 */
const RANDOM_IMPORT = 'Use ctx.id() for ids and ctx.random(key) for draws: unkeyed randomness breaks replay.'
const CLOCK_IMPORT = 'Read time through ctx.now(): performance.now() breaks replay and simulation.'
const TIMER_IMPORT = 'Node code returns its result: waits are due times in the database, not timers.'
/** The clock, randomness and timers imported by name (`import { randomUUID } from 'node:crypto'`), which the member selectors cannot see. */
const nondeterministicImports = ['', 'node:'].flatMap((prefix) => [
  { name: `${prefix}crypto`, importNames: ['randomUUID', 'getRandomValues', 'randomBytes', 'randomInt', 'randomFillSync', 'randomFill'], message: RANDOM_IMPORT },
  { name: `${prefix}perf_hooks`, importNames: ['performance'], message: CLOCK_IMPORT },
  { name: `${prefix}timers`, importNames: ['setTimeout', 'setInterval', 'setImmediate'], message: TIMER_IMPORT },
  { name: `${prefix}timers/promises`, message: TIMER_IMPORT },
])

const nodeImportRules = {
  'no-restricted-imports': ['error', {
    paths: nondeterministicImports,
    patterns: [
      { group: ['**/store/**', '**/server/**', '**/cli/**', '**/editor/**'], message: 'Nodes reach data through ctx, never store/ or server/.' },
      {
        // Any path into engine/ but engine/sdk/index.ts, and any sluice/* but sluice/sdk and sluice/testing.
        regex: '(^|/)engine/(?!sdk/index\\.ts$)|^sluice/(?!(sdk|testing)$)',
        message: 'Node code imports the engine through the SDK only: sluice/sdk (engine/sdk/index.ts in this repository). Ask for a missing export there.',
      },
    ],
  }],
}
/** Node tests may also open a real store and registry (the test harness), but reach the engine's helpers through the SDK. */
const nodeTestImportRules = {
  'no-restricted-imports': ['error', {
    patterns: [{
      regex: '(^|/)engine/(?!(sdk/index|registry/registry|ports/engine-store|channels/unsubscribe)\\.ts$)',
      message: 'Node tests import the engine through the SDK (sluice/sdk) and the harness (sluice/testing); only the registry, the engine store port and the unsubscribe helpers are open to them besides.',
    }],
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
    { files: ['**/*.ts', '**/*.mts'], ignores: ['**/*.test.ts'], rules: { ...nodeDeterministicRules, ...nodeImportRules } },
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
  { files: NODE_CODE, ignores: ['**/*.test.ts'], rules: nodeDeterministicRules },
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
  { files: NODE_CODE.map((glob) => glob.replace(/\.ts$/, '.test.ts')), rules: nodeTestImportRules },
)
