/**
 * What the segment builder asks the server: the attribute catalogue and the static lists
 * (fetched once per page and shared by every builder on it) and the live count.
 */
import { api } from '../api.ts'
import type { AttributeDef } from '../../../engine/ports/store.ts'
import type { SegmentCondition } from '../../../engine/segment/schema.ts'

export type { AttributeDef }

export interface StaticListInfo {
  name: string
  description: string | null
  members: number
}

export interface SegmentPreview {
  count: number
  total: number
  sample: string[]
  warnings: { code: string; path: string; message: string }[]
}

export interface SegmentCatalogue {
  attributes: AttributeDef[]
  lists: StaticListInfo[]
}

let catalogue: Promise<SegmentCatalogue> | null = null

/** The catalogue, fetched on first use; a failed fetch is retried by the next caller. */
export function segmentCatalogue(): Promise<SegmentCatalogue> {
  catalogue ??= Promise.all([
    api<{ attributes: AttributeDef[] }>('GET', '/segments/attributes'),
    api<{ lists: StaticListInfo[] }>('GET', '/segments/lists'),
  ]).then(([a, l]) => ({ attributes: a.attributes, lists: l.lists }))
  catalogue.catch(() => { catalogue = null })
  return catalogue
}

export function previewSegment(segment: SegmentCondition, signal: AbortSignal): Promise<SegmentPreview> {
  return api<SegmentPreview>('POST', '/segments/preview', { segment, sample: 5 }, signal)
}
