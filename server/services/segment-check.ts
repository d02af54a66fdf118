/**
 * A segment as a person wrote it, checked against the store before it is counted or listed:
 * its shape and limits, each attribute condition against the attribute catalogue (types, enum
 * values), and static lists that do not exist (a warning: they match no one). Errors throw one
 * ValidationError whose issues carry field paths such as `segment.conditions[1].value`;
 * warnings come back with the segment.
 */
import { ValidationError, type Issue } from '../../engine/errors.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { validateSegment, walkSegment, type Segment } from '../../engine/segment/index.ts'

export interface CheckedSegment {
  segment: Segment
  warnings: Issue[]
}

/** Validates `input` (at `path` in its document) against the store's catalogue and lists. */
export async function checkSegment(store: StorePort, input: unknown, path = 'segment'): Promise<CheckedSegment> {
  const { segment, issues } = validateSegment(input, { attributes: await store.listAttributes(), path })
  const errors = issues.filter((issue) => issue.severity !== 'warning')
  if (!segment || errors.length > 0) {
    throw new ValidationError(`invalid segment: ${errors.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, errors)
  }
  const warnings = issues.filter((issue) => issue.severity === 'warning')
  const lists = new Set((await store.listLists()).map((list) => list.name))
  for (const { condition, path: at } of walkSegment(segment, path)) {
    if (condition.type === 'list' && !lists.has(condition.list)) {
      warnings.push({ code: 'segment.unknown-list', path: `${at}.list`, message: `there is no static list "${condition.list}": it matches no one`, severity: 'warning' })
    }
  }
  return { segment, warnings }
}
