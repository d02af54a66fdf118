/**
 * Version history: the published versions, newest first. Selecting one draws its semantic diff
 * against the draft on the canvas (GET /flows/{id}/diff?from=N&to=draft: added steps green,
 * removed ones as red ghosts, changed ones amber with their changed paths) and lists it here;
 * the diff is fetched again whenever the draft has been saved. "Restore as draft" puts the
 * version's logic in the draft as one undo step, which the autosave then saves.
 */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { flowsApi, type FlowDiff, type FlowVersion } from '../api.ts'
import { useEditor } from './editor-store.ts'
import type { Flow } from './flow-model.ts'
import { diffOverlay, flowChanges, hasChanges, restoreVersion } from './history.ts'

export interface HistoryPanelProps {
  flowId: string
  readOnly: boolean
  onFocusNode(nodeId: string): void
}

export function HistoryPanel({ flowId, readOnly, onFocusNode }: HistoryPanelProps) {
  const { t, i18n } = useTranslation()
  const save = useEditor((s) => s.save)
  const overlay = useEditor((s) => s.history?.overlay)
  const [versions, setVersions] = useState<FlowVersion[] | null>(null)
  const [chosen, setChosen] = useState<{ version: number; flow: Flow; diff: FlowDiff } | null>(null)
  const [failure, setFailure] = useState<string | null>(null)

  useEffect(() => {
    void flowsApi.versions(flowId).then((r) => setVersions(r.versions)).catch((e: unknown) => setFailure(e instanceof Error ? e.message : String(e)))
    // Closing the panel takes the diff off the canvas.
    return () => useEditor.getState().setHistory(null)
  }, [flowId])

  const show = useCallback(async (version: number) => {
    setFailure(null)
    try {
      const [flow, diff] = await Promise.all([flowsApi.version(flowId, version), flowsApi.diff(flowId, version)])
      const state = useEditor.getState()
      if (!state.flow) return
      const outputsOf = (type: string) => state.nodeTypes.find((n) => n.type === type)?.outputs ?? []
      useEditor.getState().setHistory({ version, overlay: diffOverlay(diff, flow, state.flow, outputsOf) })
      setChosen({ version, flow, diff })
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error))
    }
  }, [flowId])

  // The server diffs the saved draft: once an edit is saved, draw the diff again.
  const shown = chosen?.version
  useEffect(() => {
    if (save === 'saved' && shown !== undefined) void show(shown)
  }, [save, shown, show])

  function restore() {
    if (!chosen) return
    useEditor.getState().edit('restore', (draft) => restoreVersion(draft, chosen.flow))
  }

  const date = (iso: string) => new Date(iso).toLocaleString(i18n.language)
  const value = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v))
  const diff = chosen?.diff

  return (
    <aside className="side-panel history-panel" data-testid="history-panel" aria-label={t('history.title')}>
      <h2>{t('history.title')}</h2>
      {failure && <p className="error" role="alert">{failure}</p>}
      {versions === null ? <p className="muted">…</p> : versions.length === 0 ? <p className="muted" data-testid="history-empty">{t('history.empty')}</p> : (
        <ul className="versions">
          {versions.map((v) => (
            <li key={v.version}>
              <button type="button" className={chosen?.version === v.version ? 'active' : ''} aria-pressed={chosen?.version === v.version} data-version={v.version} onClick={() => void show(v.version)}>
                <strong>v{v.version}</strong> <span className="muted">{date(v.publishedAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && diff && (
        <section data-testid="history-diff">
          <h3>{t('history.against', { version: chosen.version })}</h3>
          <p className="legend"><span className="swatch added" /> {t('history.added')} <span className="swatch changed" /> {t('history.changed')} <span className="swatch removed" /> {t('history.removed')}</p>
          {!hasChanges(diff) && <p className="ok" data-testid="history-same">{t('history.same', { version: chosen.version })}</p>}
          <ul className="diff-list">
            {diff.nodesAdded.map((n) => <li key={`+${n.id}`} className="added"><button type="button" onClick={() => onFocusNode(n.id)}>+ <code>{n.id}</code> ({n.type})</button></li>)}
            {diff.nodesRemoved.map((n) => <li key={`-${n.id}`} className="removed">− <code>{n.id}</code> ({n.type})</li>)}
            {diff.nodesChanged.map((n) => (
              <li key={`~${n.id}`} className="changed">
                <button type="button" onClick={() => onFocusNode(n.id)}>~ <code>{n.id}</code></button>
                <ul>{(overlay?.nodes[n.id]?.changes ?? []).map((line) => <li key={line}><code>{line}</code></li>)}</ul>
              </li>
            ))}
            {diff.edgesAdded.map((e) => <li key={`+${e.from}|${e.output}|${e.to}`} className="added">+ {e.from} [{e.output}] → {e.to}</li>)}
            {diff.edgesRemoved.map((e) => <li key={`-${e.from}|${e.output}|${e.to}`} className="removed">− {e.from} [{e.output}] → {e.to}</li>)}
            {diff.edgesRewired.map((e) => <li key={`~${e.from}|${e.output}`} className="changed">~ {e.from} [{e.output}]: {e.toBefore} → {e.toAfter}</li>)}
            {[...flowChanges(diff), ...diff.settings.map((c) => ({ ...c, path: `settings.${c.path}` }))].map((c) => (
              <li key={c.path} className="changed">~ <code>{c.path}</code>: {value(c.from)} → {value(c.to)}</li>
            ))}
          </ul>
          {!readOnly && (
            <button type="button" className="primary" data-testid="history-restore" disabled={!hasChanges(diff)} onClick={restore}>
              {t('history.restore', { version: chosen.version })}
            </button>
          )}
        </section>
      )}
    </aside>
  )
}
