import { defineConfig } from 'vitest/config'

// CI sets VITEST_JSON_REPORT so scripts/test-summary.mjs can print the closing count line.
const jsonReport = process.env.VITEST_JSON_REPORT

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', 'editor/**/node_modules/**', 'test/fixtures/**'],
    // Postgres and child-process tests need more than the 5 s default on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
})
