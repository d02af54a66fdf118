/**
 * The live count under the builder: how many customers the segment holds, of how many, and a
 * few of them. An unfinished segment (it fails the schema) is not sent; a finished one is
 * counted a moment after the last edit (POST /segments/preview), and the next edit cancels a
 * count still on its way, so a slow answer never overwrites a newer one.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiFailure } from '../api.ts'
import { segmentSchema, type SegmentCondition } from '../../../engine/segment/schema.ts'
import { previewSegment, type SegmentPreview as Preview } from './segments-api.ts'

/** Quiet time after an edit before counting. */
export const PREVIEW_DEBOUNCE_MS = 400

type State =
  | { kind: 'counting' }
  | { kind: 'incomplete'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'counted'; preview: Preview }

/** The path of the first field left blank (`conditions[1].value`): the builder's inputs start blank, and "" is never meant. */
function firstBlank(value: unknown, path: string): string | null {
  if (value === '') return path
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = firstBlank(item, `${path}[${i}]`)
      if (found) return found
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = firstBlank(item, path === '' ? key : `${path}.${key}`)
      if (found) return found
    }
  }
  return null
}

/** The first problem of an unfinished segment, with its path (`conditions[1].value`), or null. */
export function unfinished(segment: SegmentCondition, blankText = 'blank'): string | null {
  const blank = firstBlank(segment, '')
  if (blank) return `${blank}: ${blankText}`
  const parsed = segmentSchema.safeParse(segment)
  if (parsed.success) return null
  const [issue] = parsed.error.issues
  return issue ? `${issue.path.join('.').replace(/\.(\d+)/g, '[$1]')}: ${issue.message}` : 'invalid'
}

export function SegmentPreview({ segment }: { segment: SegmentCondition }) {
  const { t } = useTranslation()
  const [state, setState] = useState<State>({ kind: 'counting' })
  const key = JSON.stringify(segment)

  useEffect(() => {
    const problem = unfinished(segment, t('segment.preview.blank'))
    if (problem) {
      setState({ kind: 'incomplete', message: problem })
      return
    }
    setState({ kind: 'counting' })
    const controller = new AbortController()
    const timer = window.setTimeout(() => {
      previewSegment(segment, controller.signal)
        .then((preview) => setState({ kind: 'counted', preview }))
        .catch((error: unknown) => {
          if (controller.signal.aborted) return
          const message = error instanceof ApiFailure && error.details.length > 0
            ? error.details.map((d) => `${d.path}: ${d.message}`).join('; ')
            : error instanceof Error ? error.message : String(error)
          setState({ kind: 'failed', message })
        })
    }, PREVIEW_DEBOUNCE_MS)
    return () => {
      window.clearTimeout(timer)
      controller.abort()
    }
  }, [key]) // the segment's JSON is its identity: a new object with the same rule is no edit

  const counted = state.kind === 'counted' ? state.preview : null
  return (
    <section className={`segment-preview ${state.kind}`} data-testid="segment-preview" data-preview-state={counted ? (counted.count === 0 ? 'empty' : 'counted') : state.kind} data-segment-count={counted?.count} aria-live="polite">
      <h4>{t('segment.preview.title')}</h4>
      {state.kind === 'counting' && <p className="muted">{t('segment.preview.counting')}</p>}
      {state.kind === 'incomplete' && <p className="muted">{t('segment.preview.incomplete', { message: state.message })}</p>}
      {state.kind === 'failed' && <p className="error" role="alert">{t('segment.preview.failed', { message: state.message })}</p>}
      {counted && (
        <>
          <p className="segment-count"><strong>{t('segment.preview.count', { count: counted.count, total: counted.total.toLocaleString() })}</strong></p>
          <div className="meter" aria-hidden="true"><span style={{ width: `${counted.total === 0 ? 0 : Math.max(counted.count > 0 ? 1 : 0, (100 * counted.count) / counted.total)}%` }} /></div>
          {counted.count === 0
            ? <p className="empty-state" data-testid="segment-empty">{t('segment.preview.empty')}</p>
            : <p className="muted">{t('segment.preview.share', { share: `${((100 * counted.count) / Math.max(1, counted.total)).toFixed(1)} %` })}</p>}
          {counted.sample.length > 0 && (
            <p className="sample">{t('segment.preview.sample')}: {counted.sample.map((id) => <code key={id} data-sample-id={id}>{id}</code>)}</p>
          )}
          {counted.warnings.map((w) => <p key={`${w.path}:${w.code}`} className="warning-text"><code>{w.path}</code> {w.message}</p>)}
        </>
      )}
    </section>
  )
}
