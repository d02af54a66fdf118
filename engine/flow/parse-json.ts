/**
 * JSON parsing that reports where a syntax error is (line and column), since a flow file is
 * edited by hand and "Unexpected token at position 1234" helps nobody. Browser-safe.
 */
import type { Issue } from '../errors.ts'

/** Line and column (both 1-based) of a character offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  const end = Math.min(Math.max(offset, 0), text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1
      lineStart = i + 1
    }
  }
  return { line, column: end - lineStart + 1 }
}

/** Parses JSON; on a syntax error returns an issue `flow.json` at `line L, column C`. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; issue: Issue & { severity: 'error' } } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error)
    // V8 says "... in JSON at position N" (newer versions add "(line L column C)"); the end of input has no position.
    const position = /at position (\d+)/.exec(raw)
    const offset = position ? Number(position[1]) : text.length
    const { line, column } = lineColumnAt(text, offset)
    const reason = raw.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of file')
    return { ok: false, issue: { code: 'flow.json', path: `line ${line}, column ${column}`, message: `invalid JSON: ${reason}`, severity: 'error' } }
  }
}
