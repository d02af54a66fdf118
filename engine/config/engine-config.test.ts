import { describe, expect, it } from 'vitest'
import { projectConfigSchema } from '../registry/project-config.ts'

describe('sluice.config.ts engine section', () => {
  it('guards determinism with throw unless told otherwise', () => {
    expect(projectConfigSchema.parse({ engine: {} }).engine).toEqual({ determinismGuard: 'throw' })
    expect(projectConfigSchema.parse({ engine: { determinismGuard: 'warn' } }).engine).toEqual({ determinismGuard: 'warn' })
  })

  it('refuses an unknown mode, naming the field', () => {
    const parsed = projectConfigSchema.safeParse({ engine: { determinismGuard: 'loud' } })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.path).toEqual(['engine', 'determinismGuard'])
  })
})
