/**
 * The segment builder as an rjsf field (`ui:field: 'segment'`, put on every segment of a node's
 * config by segment-ui-schema.ts). An optional segment (a trigger's audience) starts out absent:
 * "Add a segment" creates one, "Remove" takes it away again.
 */
import type { FieldProps } from '@rjsf/utils'
import { lazy, Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import type { SegmentCondition } from '../../../engine/segment/schema.ts'

// The builder (react-querybuilder, and zod for the segment schema) loads with the first segment
// field shown, so opening the canvas does not wait for it.
const SegmentBuilder = lazy(() => import('./SegmentBuilder.tsx').then((m) => ({ default: m.SegmentBuilder })))

export function SegmentField(props: FieldProps) {
  const { t } = useTranslation()
  const segment = props.formData as SegmentCondition | undefined
  const readOnly = props.disabled === true || props.readonly === true
  const change = (next: SegmentCondition | undefined) => props.onChange(next, props.fieldPathId.path, undefined, props.fieldPathId.$id)
  const title = (props.schema.title as string | undefined) ?? props.name
  return (
    <fieldset className="segment-field" data-segment-field={props.fieldPathId.$id}>
      <legend>{title}{props.required ? ' *' : ''}</legend>
      {props.schema.description && <p className="muted small">{String(props.schema.description)}</p>}
      {segment === undefined && !props.required
        ? <button type="button" disabled={readOnly} data-testid="add-segment" onClick={() => change({ type: 'all', conditions: [] })}>+ {t('segment.builder.label')}</button>
        : (
          <>
            <Suspense fallback={<p className="muted">…</p>}><SegmentBuilder segment={segment} readOnly={readOnly} onChange={change} /></Suspense>
            {!props.required && <button type="button" className="link" disabled={readOnly} data-testid="remove-segment" onClick={() => change(undefined)}>{t('segment.builder.remove')}</button>}
          </>
        )}
    </fieldset>
  )
}
