// Prints vitest's JSON report as the one closing line CI reads: `tests: N passed, M failed`.
// A test file that fails to load has no failed test in it, so it counts as one failure itself.
import { existsSync, readFileSync } from 'node:fs'

const file = process.argv[2] ?? '.vitest-report.json'
if (!existsSync(file)) {
  console.error(`no test report at ${file}: lint or typecheck failed before the tests ran`)
  console.log('tests: 0 passed, 1 failed')
  process.exit(0)
}
const report = JSON.parse(readFileSync(file, 'utf8'))
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
).length
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles} failed`)
