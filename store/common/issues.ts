import { ValidationError, type Issue } from '../../engine/errors.ts'

/** More issues than this are counted, not listed: a 1M-row import with one systematic mistake should not build a 1M-entry error. */
export const MAX_LISTED_ISSUES = 50

/** Collects every problem of a batch before anything is written, then throws them together. */
export class IssueCollector {
  readonly issues: Issue[] = []
  private total = 0

  /** Records one problem at `path` (e.g. `customers[3].timeZone`). */
  add(path: string, code: string, message: string): void {
    this.total += 1
    if (this.issues.length < MAX_LISTED_ISSUES) this.issues.push({ code, path, message, severity: 'error' })
  }

  get count(): number {
    return this.total
  }

  /** Throws a ValidationError naming `what` when any problem was recorded. */
  throwIfAny(what: string): void {
    if (this.total === 0) return
    const more = this.total > this.issues.length ? ` (first ${this.issues.length} listed)` : ''
    const first = this.issues[0]
    const summary = first ? `: ${first.path}: ${first.message}` : ''
    throw new ValidationError(`${this.total} invalid ${what}${more}${summary}`, this.issues)
  }
}
