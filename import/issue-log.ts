/**
 * Collects the problems an import finds: every bad row is counted, the first MAX_REPORTED are
 * kept with where and what, and the result becomes one ValidationError listing them.
 */
import { ValidationError } from '../engine/errors.ts'
import type { Issue } from '../engine/errors.ts'

/** How many problems an error message lists; the rest are counted. */
export const MAX_REPORTED = 20

/** One problem in one row. `column` is omitted for problems of the whole row. */
export interface RowProblem {
  line: number
  column?: string
  code: string
  message: string
}

/** `line 5, column tenure` (or `line 5` for a whole-row problem). */
export function locate(problem: Pick<RowProblem, 'line' | 'column'>): string {
  return problem.column === undefined ? `line ${problem.line}` : `line ${problem.line}, column ${problem.column}`
}

/** Joins a row's problems into one reason, as written to a rejects file. */
export function describeRow(problems: RowProblem[]): string {
  return problems.map((problem) => (problem.column === undefined ? problem.message : `column ${problem.column}: ${problem.message}`)).join('; ')
}

/** Counts bad rows and keeps the first problems in line order. */
export class IssueLog {
  private readonly kept: RowProblem[] = []
  private dropped = 0
  /** Rows with at least one problem. */
  badRows = 0

  /** Records the problems of one bad row. */
  addRow(problems: RowProblem[]): void {
    if (problems.length === 0) return
    this.badRows++
    for (const problem of problems) {
      if (this.kept.length < MAX_REPORTED) this.kept.push(problem)
      else this.dropped++
    }
  }

  get isEmpty(): boolean {
    return this.badRows === 0
  }

  /** The kept problems as port issues, in line order. */
  issues(): Issue[] {
    return [...this.kept]
      .sort((a, b) => a.line - b.line)
      .map((problem) => ({ code: problem.code, path: locate(problem), message: problem.message, severity: 'error' }))
  }

  /** The error that rejects the whole file: a headline, the listed problems and what to do. */
  toError(file: string): ValidationError {
    const issues = this.issues()
    const rows = this.badRows === 1 ? '1 bad row' : `${this.badRows.toLocaleString('en-US')} bad rows`
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`)
    if (this.dropped > 0) lines.push(`  ... and ${this.dropped.toLocaleString('en-US')} more problems (only the first ${MAX_REPORTED} are listed)`)
    const message = [
      `${file}: ${rows}, nothing was imported:`,
      ...lines,
      'Fix these rows, or pass --skip-invalid to import the valid rows and write the rejected ones to a file.',
    ].join('\n')
    return new ValidationError(message, issues)
  }
}
