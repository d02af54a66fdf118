import { describe, expect, it } from 'vitest'
import type { AttributeDef } from '../engine/ports/store.ts'
import { ColumnInference, ENUM_MAX_DISTINCT, mergeWithCatalogue, RecordInference } from './type-inference.ts'

function infer(values: unknown[]) {
  const column = new ColumnInference()
  for (const value of values) column.observe(value)
  return column.infer()
}

describe('ColumnInference', () => {
  it('keeps 0/1 columns as numbers and reads Yes/No as boolean (the telco file has both)', () => {
    expect(infer(['0', '1', '1', '0'])).toEqual({ type: 'number' })
    expect(infer(['Yes', 'No', 'no', 'YES'])).toEqual({ type: 'boolean' })
  })

  it('ignores missing values and types numbers with decimals', () => {
    expect(infer(['29.85', 'NA', '', '1889.5'])).toEqual({ type: 'number' })
    expect(infer(['', 'NA'])).toBeUndefined()
  })

  it('keeps a numeric column numeric despite a rare typo, so the typo is reported', () => {
    const values = Array.from({ length: 99 }, (_, i) => String(i))
    expect(infer([...values, 'abc'])).toEqual({ type: 'number' })
  })

  it('does not call a column numeric when many values are text', () => {
    expect(infer(['1', '2', 'three', 'four', '5', '1', '2', 'three', 'four', '5'])?.type).toBe('enum')
  })

  it('treats codes with leading zeros as text', () => {
    expect(infer(['01234', '12345', '01234', '12345'])?.type).toBe('enum')
  })

  it('infers dates, enums of repeating values and strings', () => {
    expect(infer(['2024-05-01', '2023-12-31T10:00:00Z'])).toEqual({ type: 'date' })
    expect(infer(['DSL', 'Fiber optic', 'No', 'DSL', 'No', 'DSL'])).toEqual({ type: 'enum', values: ['DSL', 'Fiber optic', 'No'] })
    expect(infer(['alice', 'bob', 'carol'])).toEqual({ type: 'string' })
    const many = Array.from({ length: 200 }, (_, i) => `v${i % (ENUM_MAX_DISTINCT + 1)}`)
    expect(infer(many)).toEqual({ type: 'string' })
  })

  it('mixes of booleans and other words are enums, not booleans', () => {
    expect(infer(['Yes', 'No', 'No phone service', 'Yes', 'No', 'No'])?.type).toBe('enum')
  })

  it('takes JSON types as they are', () => {
    expect(infer([1, 2.5, null])).toEqual({ type: 'number' })
    expect(infer([true, false])).toEqual({ type: 'boolean' })
    expect(infer([{ a: 1 }])).toEqual({ type: 'string' })
  })
})

describe('mergeWithCatalogue', () => {
  const inference = new RecordInference()
  for (const row of [
    { tenure: '1', plan: 'basic', tier: 'gold', fresh: 'x' },
    { tenure: '2', plan: 'plus', tier: 'silver', fresh: 'x' },
    { tenure: '3', plan: 'plus', tier: 'gold', fresh: 'x' },
    { tenure: '4', plan: 'basic', tier: 'gold', fresh: 'x' },
  ]) for (const [column, value] of Object.entries(row)) inference.observe(column, value)

  it('never overrides a declared type, keeps inferred types, grows inferred enums and registers new columns', () => {
    const catalogue: AttributeDef[] = [
      { name: 'tenure', type: 'string', source: 'declared' },
      { name: 'plan', type: 'enum', values: ['basic', 'pro'], source: 'inferred' },
      { name: 'tier', type: 'enum', values: ['gold', 'silver'], source: 'inferred' },
    ]
    const { types, toRegister } = mergeWithCatalogue(catalogue, inference)
    expect(types.get('tenure')).toEqual(catalogue[0])
    expect(types.get('plan')).toEqual({ name: 'plan', type: 'enum', values: ['basic', 'plus', 'pro'], source: 'inferred' })
    expect(types.get('tier')).toEqual(catalogue[2])
    expect(types.get('fresh')).toEqual({ name: 'fresh', type: 'enum', values: ['x'], source: 'inferred' })
    expect(toRegister.map((def) => def.name)).toEqual(['plan', 'fresh'])
  })

  it('widens an inferred enum to string when the new values overflow it', () => {
    const wide = new RecordInference()
    for (let i = 0; i < 100; i++) wide.observe('plan', `plan-${i}`)
    const { types } = mergeWithCatalogue([{ name: 'plan', type: 'enum', values: ['basic'], source: 'inferred' }], wide)
    expect(types.get('plan')).toEqual({ name: 'plan', type: 'string', source: 'inferred' })
  })
})

describe('outliers in small files', () => {
  const infer = (values: string[]) => {
    const column = new ColumnInference()
    for (const value of values) column.observe(value)
    return column.infer()?.type
  }

  it('keeps a small numeric column numeric despite one typo, so the typo is a bad row', () => {
    expect(infer([...Array.from({ length: 18 }, (_, i) => String(i)), 'abc'])).toBe('number')
    expect(infer(['1', '2', '3', 'abc'])).toBe('number')
  })

  it('calls a column text when the non-numbers are too many to be typos', () => {
    expect(infer(['12', 'abc'])).toBe('string')
    expect(infer(['1', '2', '3', '4', '5', '6', '7', '8', 'a', 'b', 'c', 'd'])).not.toBe('number')
  })
})
