/**
 * The segment builder: react-querybuilder over the attribute catalogue and the other condition
 * kinds, AND / OR groups with NOT, the rule read back in plain language, and the live count.
 * The builder keeps its own query (with react-querybuilder's ids, so typing never remounts a
 * rule) and hands the segment up after each edit; a segment that changes from outside (undo,
 * another step selected) is read in again.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { QueryBuilder, type RuleGroupType } from 'react-querybuilder'
import 'react-querybuilder/dist/query-builder.css'
import './segment-builder.css'
import type { SegmentCondition } from '../../../engine/segment/schema.ts'
import { attributeNames, builderFields, defaultValue } from './segment-fields.ts'
import { normalizeQuery, toQuery, toSegment, type SegmentGroup, type SegmentRule } from './segment-query.ts'
import { readSegment, type Translate } from './segment-reading.ts'
import { segmentCatalogue, type SegmentCatalogue } from './segments-api.ts'
import { SegmentPreview } from './SegmentPreview.tsx'
import { SegmentValueEditor, type EditorContext } from './ValueEditor.tsx'

export interface SegmentBuilderProps {
  /** The segment; absent: an empty AND group (everyone) until the first edit. */
  segment: SegmentCondition | undefined
  readOnly: boolean
  onChange(segment: SegmentCondition): void
}

const EVERYONE: SegmentCondition = { type: 'all', conditions: [] }

/** JSON with sorted keys: the same segment whatever order its keys came in (the server's or the builder's). */
export function sameSegmentKey(segment: SegmentCondition | undefined): string {
  return JSON.stringify(segment ?? EVERYONE, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value)
}

export function SegmentBuilder({ segment, readOnly, onChange }: SegmentBuilderProps) {
  const { t } = useTranslation()
  const translate = t as unknown as Translate
  const [catalogue, setCatalogue] = useState<SegmentCatalogue>({ attributes: [], lists: [] })
  const [query, setQuery] = useState<SegmentGroup>(() => toQuery(segment ?? EVERYONE))
  /** The segment last handed up, to tell our own edits from changes made elsewhere. */
  const emitted = useRef<string>(sameSegmentKey(segment))

  useEffect(() => {
    let live = true
    void segmentCatalogue().then((c) => { if (live) setCatalogue(c) }).catch(() => undefined)
    return () => { live = false }
  }, [])

  useEffect(() => {
    const text = sameSegmentKey(segment)
    if (text === emitted.current) return
    emitted.current = text
    setQuery(toQuery(segment ?? EVERYONE))
  }, [segment])

  const current = useMemo(() => toSegment(query), [query])
  const fields = useMemo(() => builderFields(catalogue.attributes, attributeNames(current), translate), [catalogue.attributes, current, translate])
  const context: EditorContext = useMemo(() => ({ lists: catalogue.lists }), [catalogue.lists])

  function change(next: RuleGroupType) {
    const normal = normalizeQuery(next as SegmentGroup)
    setQuery(normal)
    const out = toSegment(normal)
    // react-querybuilder reports its first render (ids added) as a change: not an edit.
    const text = sameSegmentKey(out)
    if (text === emitted.current) return
    emitted.current = text
    onChange(out)
  }

  return (
    <div className="segment-builder" data-testid="segment-builder">
      <QueryBuilder
        query={query as RuleGroupType}
        onQueryChange={change}
        fields={fields}
        context={context}
        disabled={readOnly}
        showNotToggle
        getDefaultValue={(rule) => defaultValue(rule as SegmentRule)}
        controlElements={{ valueEditor: SegmentValueEditor }}
        controlClassnames={{ queryBuilder: 'queryBuilder-branches' }}
        combinators={[{ name: 'and', value: 'and', label: t('segment.builder.and') }, { name: 'or', value: 'or', label: t('segment.builder.or') }]}
        translations={{
          addRule: { label: `+ ${t('segment.builder.addRule')}`, title: t('segment.builder.addRule') },
          addGroup: { label: `+ ${t('segment.builder.addGroup')}`, title: t('segment.builder.addGroup') },
          removeRule: { label: '×', title: t('segment.builder.remove') },
          removeGroup: { label: '×', title: t('segment.builder.remove') },
          notToggle: { label: t('segment.builder.not'), title: t('segment.builder.not') },
          fields: { title: t('segment.builder.field') },
          operators: { title: t('segment.builder.operator') },
        }}
      />
      <p className="segment-reading" data-testid="segment-reading">{readSegment(current, translate)}</p>
      <SegmentPreview segment={current} />
    </div>
  )
}
