// ESLint flat config. Besides the usual TypeScript rules it enforces two architectural rules:
// determinism (engine/ and nodes/ read time, randomness and timers only through ctx) and the
// import boundaries of docs/architecture (engine/ imports none of store/, server/, cli/, nodes/).
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

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'editor/dist/**', 'coverage/**', 'test/fixtures/lint/**'] },
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
  {
    files: ['engine/**/*.ts', 'nodes/**/*.ts'],
    ignores: ['**/*.test.ts', 'engine/clock/real-clock.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...nondeterminism],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Waits are due times in the database, not timers.' },
        { name: 'setInterval', message: 'The scheduler ticks on the next due time; no intervals in engine/ or nodes/.' },
      ],
    },
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
    files: ['nodes/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/store/**', '**/server/**', '**/cli/**', '**/editor/**'], message: 'Nodes reach data through ctx, never store/ or server/.' },
        ],
      }],
    },
  },
)
