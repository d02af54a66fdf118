/**
 * The builder's value editor: one component for every rule, dispatching on the field's kind.
 * A rule's value is the rest of its condition as the schema spells it (segment-query.ts), so
 * each editor changes the fields it shows and keeps every other one.
 */
import type { ValueEditorProps } from 'react-querybuilder'
import { useTranslation } from 'react-i18next'
import { ADDRESS_KINDS, CHANNELS } from '../../../engine/ports/store.ts'
import { TIME_UNITS } from '../../../engine/segment/durations.ts'
import { OCCURRENCE_OPS, ORDER_OPS, RFM_CELLS, type EventCondition, type Scalar } from '../../../engine/segment/schema.ts'
import type { AttributeKind, SegmentField } from './segment-fields.ts'
import type { StaticListInfo } from './segments-api.ts'

type Value = Record<string, unknown>
type Change = (next: Value) => void

/** The builder hands the catalogue's lists to the editors through its `context` prop. */
export interface EditorContext {
  lists: StaticListInfo[]
}

export function SegmentValueEditor(props: ValueEditorProps) {
  const { t } = useTranslation()
  const field = props.fieldData as SegmentField
  const value = (props.value ?? {}) as Value
  const change: Change = (next) => props.handleOnChange(next)
  const disabled = props.disabled ?? false
  const lists = ((props.context ?? {}) as Partial<EditorContext>).lists ?? []
  const body = (() => {
    switch (field.kind) {
      case 'attribute':
        return <Operand op={props.operator} value={value} type={field.attributeType ?? 'unknown'} enumValues={field.enumValues} disabled={disabled} onChange={change} />
      case 'tag':
        return <TagEditor op={props.operator} value={value} disabled={disabled} onChange={change} />
      case 'event':
        return <EventEditor measure={props.operator} value={value as Partial<EventCondition>} disabled={disabled} onChange={change} />
      case 'rfm':
        return <Chips options={RFM_CELLS} labelKey="segment.cells" selected={(value.cells as string[] | undefined) ?? []} disabled={disabled} onChange={(cells) => change({ ...value, cells })} />
      case 'list':
        return <ListPicker lists={lists} value={String(value.list ?? '')} disabled={disabled} onChange={(list) => change({ ...value, list })} />
      case 'address':
        return <Select options={ADDRESS_KINDS} labelKey="segment.addresses" label={t('segment.kinds.address')} value={String(value.kind ?? '')} disabled={disabled} onChange={(kind) => change({ ...value, kind })} />
      case 'consent':
        return <Select options={CHANNELS} labelKey="segment.channels" label={t('segment.builder.channel')} value={String(value.channel ?? '')} disabled={disabled} onChange={(channel) => change({ ...value, channel })} />
      case 'preferred-channel':
        return <Chips options={CHANNELS} labelKey="segment.channels" selected={(value.channels as string[] | undefined) ?? []} disabled={disabled} onChange={(channels) => change({ ...value, channels })} />
    }
  })()
  return <span className="segment-value" data-segment-kind={field.kind}>{body}</span>
}

/** Parses what was typed for an attribute of this type ('' stays '': the condition is unfinished). */
function parse(text: string, type: AttributeKind): Scalar {
  if (text === '') return ''
  if (type === 'number' || type === 'unknown') {
    const n = Number(text)
    if (type === 'number' || (/^-?\d+(\.\d+)?$/.test(text.trim()) && Number.isFinite(n))) return Number.isFinite(n) ? n : text
  }
  if (type === 'boolean') return text === 'true'
  return text
}

function ScalarInput({ value, type, enumValues, disabled, onChange, name }: { value: unknown; type: AttributeKind; enumValues?: string[] | undefined; disabled: boolean; onChange(v: Scalar): void; name: string }) {
  const { t } = useTranslation()
  if (type === 'boolean') {
    return (
      <select value={value === undefined || value === '' ? '' : String(value)} disabled={disabled} data-segment-input={name} aria-label={t(`segment.builder.${name === 'value' ? 'valueLabel' : name}`)} onChange={(e) => onChange(e.target.value === 'true')}>
        <option value="" disabled>…</option>
        <option value="true">{t('segment.builder.yes')}</option>
        <option value="false">{t('segment.builder.no')}</option>
      </select>
    )
  }
  if (type === 'enum' && enumValues) {
    return (
      <select value={String(value ?? '')} disabled={disabled} data-segment-input={name} aria-label={t(`segment.builder.${name === 'value' ? 'valueLabel' : name}`)} onChange={(e) => onChange(e.target.value)}>
        <option value="" disabled>…</option>
        {enumValues.map((v) => <option key={v} value={v}>{v}</option>)}
      </select>
    )
  }
  const inputType = type === 'number' ? 'number' : type === 'date' ? 'date' : 'text'
  return <input type={inputType} className="segment-input" value={value === undefined ? '' : String(value)} disabled={disabled} data-segment-input={name} aria-label={t(`segment.builder.${name === 'value' ? 'valueLabel' : name}`)} onChange={(e) => onChange(parse(e.target.value, type))} />
}

function Duration({ amount, unit, disabled, onChange }: { amount: unknown; unit: unknown; disabled: boolean; onChange(amount: number, unit: string): void }) {
  const { t } = useTranslation()
  const current = typeof amount === 'number' ? amount : 30
  const currentUnit = typeof unit === 'string' ? unit : 'days'
  return (
    <>
      <input type="number" min={1} className="segment-input narrow" value={current} disabled={disabled} data-segment-input="amount" aria-label={t('segment.builder.amount')} onChange={(e) => onChange(Math.max(1, Math.trunc(Number(e.target.value) || 1)), currentUnit)} />
      <select value={currentUnit} disabled={disabled} data-segment-input="unit" aria-label={t('segment.builder.unit')} onChange={(e) => onChange(current, e.target.value)}>
        {TIME_UNITS.map((u) => <option key={u} value={u}>{t(`segment.units.${u}`)}</option>)}
      </select>
    </>
  )
}

/** The operand of a comparison: the inputs the operator uses. */
function Operand({ op, value, type, enumValues, disabled, onChange }: { op: string; value: Value; type: AttributeKind; enumValues?: string[] | undefined; disabled: boolean; onChange: Change }) {
  const { t } = useTranslation()
  switch (op) {
    case 'exists':
    case 'is-empty':
    case 'is-not-empty':
      return null
    case 'between':
      return (
        <>
          <ScalarInput name="from" value={value.from} type={type} enumValues={enumValues} disabled={disabled} onChange={(from) => onChange({ ...value, from })} />
          <span className="muted">{t('segment.builder.to')}</span>
          <ScalarInput name="to" value={value.to} type={type} enumValues={enumValues} disabled={disabled} onChange={(to) => onChange({ ...value, to })} />
        </>
      )
    case 'in':
    case 'not-in': {
      const values = (value.values as Scalar[] | undefined) ?? []
      if (type === 'enum' && enumValues) return <Chips options={enumValues} selected={values.map(String)} disabled={disabled} onChange={(next) => onChange({ ...value, values: next })} />
      return (
        <input className="segment-input wide" placeholder={t('segment.builder.values')} aria-label={t('segment.builder.values')} defaultValue={values.join(', ')} disabled={disabled} data-segment-input="values"
          onChange={(e) => onChange({ ...value, values: e.target.value.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => parse(s, type)) })} />
      )
    }
    case 'within-last':
    case 'older-than':
    case 'within-next':
      return <Duration amount={value.amount} unit={value.unit} disabled={disabled} onChange={(amount, unit) => onChange({ ...value, amount, unit })} />
    default:
      return <ScalarInput name="value" value={value.value} type={type} enumValues={enumValues} disabled={disabled} onChange={(v) => onChange({ ...value, value: v })} />
  }
}

function TagEditor({ op, value, disabled, onChange }: { op: string; value: Value; disabled: boolean; onChange: Change }) {
  const { t } = useTranslation()
  const setWithin = value.setWithin as { amount: number; unit: string } | undefined
  return (
    <>
      <input className="segment-input" placeholder={t('segment.builder.tagName')} value={String(value.name ?? '')} disabled={disabled} data-segment-input="tag" aria-label={t('segment.builder.tagName')} onChange={(e) => onChange({ ...value, name: e.target.value })} />
      <Operand op={op} value={value} type="unknown" disabled={disabled} onChange={onChange} />
      {op !== 'is-empty' && (
        <label className="segment-option">
          <input type="checkbox" checked={setWithin !== undefined} disabled={disabled} onChange={(e) => {
            const { setWithin: _drop, ...rest } = value
            onChange(e.target.checked ? { ...rest, setWithin: { amount: 30, unit: 'days' } } : rest)
          }} /> {t('segment.builder.setWithin')}
        </label>
      )}
      {setWithin && <Duration amount={setWithin.amount} unit={setWithin.unit} disabled={disabled} onChange={(amount, unit) => onChange({ ...value, setWithin: { amount, unit } })} />}
    </>
  )
}

/** An event condition: type, the measure's operand, the window; other fields (where, since, until) kept and counted. */
function EventEditor({ measure, value, disabled, onChange }: { measure: string; value: Partial<EventCondition>; disabled: boolean; onChange: Change }) {
  const { t } = useTranslation()
  const v = value as Value
  const kept = (['where', 'since', 'until'] as const).filter((key) => value[key] !== undefined).length
  const aggregate = (value.aggregate ?? {}) as Value
  const occurrence = ((measure === 'first' ? value.first : value.last) ?? {}) as Value
  return (
    <>
      <input className="segment-input" placeholder={t('segment.builder.eventType')} value={value.event ?? ''} disabled={disabled} data-segment-input="event" aria-label={t('segment.builder.eventType')} onChange={(e) => onChange({ ...v, event: e.target.value })} />
      {measure !== 'any' && measure !== 'count' && measure !== 'first' && measure !== 'last' && (
        <input className="segment-input" placeholder={t('segment.builder.property')} aria-label={t('segment.builder.property')} value={String(aggregate.property ?? '')} disabled={disabled} data-segment-input="property" onChange={(e) => onChange({ ...v, aggregate: { ...aggregate, property: e.target.value } })} />
      )}
      {measure !== 'any' && measure !== 'first' && measure !== 'last' && (
        <>
          <OpSelect ops={ORDER_OPS} value={String(aggregate.op ?? 'gte')} disabled={disabled} onChange={(op) => onChange({ ...v, aggregate: reshapeOrder(aggregate, op) })} />
          <Operand op={String(aggregate.op ?? 'gte')} value={aggregate} type="number" disabled={disabled} onChange={(next) => onChange({ ...v, aggregate: next })} />
        </>
      )}
      {(measure === 'first' || measure === 'last') && (
        <>
          <OpSelect ops={OCCURRENCE_OPS} value={String(occurrence.op ?? 'within-last')} disabled={disabled} onChange={(op) => onChange({ ...v, [measure]: reshapeOrder(occurrence, op) })} />
          <Operand op={String(occurrence.op ?? 'within-last')} value={occurrence} type="date" disabled={disabled} onChange={(next) => onChange({ ...v, [measure]: next })} />
        </>
      )}
      <label className="segment-option">
        <input type="checkbox" checked={value.within !== undefined} disabled={disabled} data-segment-input="within-toggle" onChange={(e) => {
          const { within: _drop, ...rest } = v
          onChange(e.target.checked ? { ...rest, within: { amount: 30, unit: 'days' } } : rest)
        }} /> {t('segment.builder.within')}
      </label>
      {value.within && <Duration amount={value.within.amount} unit={value.within.unit} disabled={disabled} onChange={(amount, unit) => onChange({ ...v, within: { amount, unit } })} />}
      {kept > 0 && <span className="muted small">{t('segment.builder.more', { count: kept })}</span>}
    </>
  )
}

/** A nested comparison whose operator changed: the reshaping of segment-query.ts, for aggregate / first / last. */
function reshapeOrder(comparison: Value, op: string): Value {
  const previous = comparison.value ?? comparison.from
  const { value: _v, from: _f, to: _t, amount: _a, unit: _u, ...rest } = comparison
  if (op === 'between') return { ...rest, op, from: comparison.from ?? previous ?? '', to: comparison.to ?? previous ?? '' }
  if (op === 'within-last' || op === 'older-than') return { ...rest, op, amount: comparison.amount ?? 30, unit: comparison.unit ?? 'days' }
  return { ...rest, op, value: previous ?? '' }
}

function OpSelect({ ops, value, disabled, onChange }: { ops: readonly string[]; value: string; disabled: boolean; onChange(op: string): void }) {
  const { t } = useTranslation()
  return (
    <select value={value} disabled={disabled} data-segment-input="measure-op" aria-label={t('segment.builder.operator')} onChange={(e) => onChange(e.target.value)}>
      {ops.map((op) => <option key={op} value={op}>{t(`segment.ops.${op}`)}</option>)}
    </select>
  )
}

function Select({ options, labelKey, label, value, disabled, onChange }: { options: readonly string[]; labelKey: string; label: string; value: string; disabled: boolean; onChange(v: string): void }) {
  const { t } = useTranslation()
  return (
    <select value={value} disabled={disabled} aria-label={label} onChange={(e) => onChange(e.target.value)}>
      {options.map((o) => <option key={o} value={o}>{t(`${labelKey}.${o}`)}</option>)}
    </select>
  )
}

/** Toggle chips for a set of values (RFM cells, channels, enum values). */
function Chips({ options, labelKey, selected, disabled, onChange }: { options: readonly string[]; labelKey?: string; selected: string[]; disabled: boolean; onChange(next: string[]): void }) {
  const { t } = useTranslation()
  return (
    <span className="chips">
      {options.map((o) => {
        const on = selected.includes(o)
        return (
          <button key={o} type="button" className={on ? 'chip on' : 'chip'} aria-pressed={on} disabled={disabled} data-chip={o}
            onClick={() => onChange(on ? selected.filter((s) => s !== o) : options.filter((x) => x === o || selected.includes(x)))}>
            {labelKey ? t(`${labelKey}.${o}`) : o}
          </button>
        )
      })}
    </span>
  )
}

function ListPicker({ lists, value, disabled, onChange }: { lists: StaticListInfo[]; value: string; disabled: boolean; onChange(v: string): void }) {
  const { t } = useTranslation()
  const names = lists.map((l) => l.name)
  return (
    <select value={value} disabled={disabled} data-segment-input="list" aria-label={t('segment.builder.listPick')} onChange={(e) => onChange(e.target.value)}>
      <option value="" disabled>{t('segment.builder.listPick')}</option>
      {value !== '' && !names.includes(value) && <option value={value}>{value}</option>}
      {lists.map((l) => <option key={l.name} value={l.name}>{l.name} ({l.members})</option>)}
    </select>
  )
}
