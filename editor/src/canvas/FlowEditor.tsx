/**
 * The editor screen: palette | canvas | settings, a toolbar (undo, redo, tidy up, fit, save
 * state, publish) and the problems list. Drafts autosave a moment after each edit with a
 * visible state, and leaving with unsaved work asks first. Problems come from the server's
 * verifier after every save; clicking one selects the node and its field.
 */
import { ReactFlowProvider, useReactFlow } from '@xyflow/react'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiFailure, flowsApi, type RunDetail } from '../api.ts'
import { Canvas, edgeAt, edgeId, useFlowPosition } from './Canvas.tsx'
import { ConfigPanel } from './ConfigPanel.tsx'
import { ConnectDialog, outputTargets, stepTitle } from './ConnectDialog.tsx'
import { clearHistory, redo, undo, useEditor } from './editor-store.ts'
import { addAfter, addNode, addNote, connect, copy, insertOnEdge, move, noteCanvasId, parseClip, paste, removeOnCanvas, setConfig, setTitle, type Flow } from './flow-model.ts'
import { autoLayout, NODE_HEIGHT, NODE_WIDTH } from './layout.ts'
import { Palette } from './Palette.tsx'
import { HistoryPanel } from './HistoryPanel.tsx'
import { JourneyPanel } from './JourneyPanel.tsx'
import { PublishDialog } from './PublishDialog.tsx'
import { RunWhereabouts } from '../runs/RunWhereabouts.tsx'
import { CounterfactualReplay } from '../replay/CounterfactualReplay.tsx'
import { focusProblemField } from './problem-focus.ts'
import { SimulatePanel } from './SimulatePanel.tsx'
import { actionOf, chordOf, loadShortcuts } from './shortcuts.ts'
import { StepPicker } from './StepPicker.tsx'

/** Quiet time after the last edit before the draft is saved. */
const AUTOSAVE_MS = 800

export function FlowEditor({ flowId, readOnly, onBack }: { flowId: string; readOnly: boolean; onBack(): void }) {
  return (
    <ReactFlowProvider>
      <EditorScreen flowId={flowId} readOnly={readOnly} onBack={onBack} />
    </ReactFlowProvider>
  )
}

function EditorScreen({ flowId, readOnly, onBack }: { flowId: string; readOnly: boolean; onBack(): void }) {
  const { t } = useTranslation()
  const flow = useEditor((s) => s.flow)
  const nodeTypes = useEditor((s) => s.nodeTypes)
  const problems = useEditor((s) => s.problems)
  const selected = useEditor((s) => s.selected)
  const save = useEditor((s) => s.save)
  const saveError = useEditor((s) => s.saveError)
  /** The step picker: after `from`'s `output`; opened from the keyboard it offers every output. */
  const [picker, setPicker] = useState<{ from: string; output: string; keyboard?: boolean } | null>(null)
  /** Keyboard connect: the step whose output is being connected. */
  const [connecting, setConnecting] = useState<string | null>(null)
  /** What the last keyboard add or connect did, for screen readers (a polite live region). */
  const [announcement, setAnnouncement] = useState('')
  /** Where the focus was when a picker opened, to return to when it closes with nothing done. */
  const focusBefore = useRef<HTMLElement | null>(null)
  const [publishing, setPublishing] = useState(false)
  /** What the right-hand panel shows: the selected step's settings, simulate mode or version history. */
  const [side, setSide] = useState<'config' | 'simulate' | 'history' | 'journey'>('config')
  const [liveRun, setLiveRun] = useState<string | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const toFlow = useFlowPosition()
  const { fitView } = useReactFlow()
  const { edit, select } = useEditor.getState()

  const reload = useCallback(async () => {
    try {
      const detail = await flowsApi.get(flowId)
      useEditor.getState().load(detail.draft, detail.revision, detail.problems, detail.outputs)
      clearHistory()
      setLiveRun(detail.liveRuns.find((r) => r.state === 'running')?.id ?? null)
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : String(error))
    }
  }, [flowId])
  useEffect(() => void reload(), [reload])

  // Autosave: a moment after the last edit, with the revision it was loaded at.
  const saving = useRef(false)
  useEffect(() => {
    if (save !== 'unsaved' || readOnly) return
    const timer = setTimeout(() => void saveNow(), AUTOSAVE_MS)
    return () => clearTimeout(timer)
  }, [flow, save, readOnly])

  async function saveNow() {
    const state = useEditor.getState()
    if (!state.flow || saving.current || state.save === 'conflict') return
    saving.current = true
    const sent = state.flow
    state.setSave('saving')
    try {
      const detail = await flowsApi.save(flowId, sent, state.revision)
      useEditor.setState({ revision: detail.revision, problems: detail.problems, outputs: detail.outputs })
      // Edits made while saving stay unsaved; the next round saves them.
      useEditor.getState().setSave(useEditor.getState().flow === sent ? 'saved' : 'unsaved')
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 409) useEditor.getState().setSave('conflict', error.message)
      else useEditor.getState().setSave('failed', error instanceof Error ? error.message : String(error))
    } finally {
      saving.current = false
    }
  }

  // Leaving with unsaved work asks first.
  useEffect(() => {
    const guard = (e: BeforeUnloadEvent) => {
      if (useEditor.getState().save !== 'saved') e.preventDefault()
    }
    window.addEventListener('beforeunload', guard)
    return () => window.removeEventListener('beforeunload', guard)
  }, [])

  // Live counts over Server-Sent Events, for the running version.
  useEffect(() => {
    if (!liveRun) {
      useEditor.getState().setCounts(null)
      return
    }
    const source = new EventSource(`/api/runs/${encodeURIComponent(liveRun)}/live`)
    source.addEventListener('counts', (event) => {
      const run = JSON.parse((event as MessageEvent<string>).data) as RunDetail
      useEditor.getState().setCounts({
        nodes: Object.fromEntries(Object.entries(run.nodes).map(([id, n]) => [id, n.entered])),
        edges: Object.fromEntries(run.edges.map((e) => [edgeId(e), e.customers])),
      })
    })
    return () => source.close()
  }, [liveRun])

  const outputsOf = (type: string) => nodeTypes.find((n) => n.type === type)?.outputs ?? []
  /** A step's outputs: the server's reading of its config, else its type's fixed outputs (a step added since the last save). */
  const outputsOfStep = (id: string) => useEditor.getState().outputs[id] ?? outputsOf(useEditor.getState().flow?.nodes.find((n) => n.id === id)?.type ?? '')

  const addAfterNode = useCallback((from: string, output: string) => {
    focusBefore.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
    setPicker({ from, output })
  }, [])

  /** Focus a step on the canvas once it is drawn and measured (hidden until then), so keyboard users carry on from it. */
  function focusStep(id: string) {
    let frames = 0
    const attempt = () => {
      const element = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)
      element?.focus()
      if (document.activeElement !== element && frames++ < 120) requestAnimationFrame(attempt)
    }
    requestAnimationFrame(attempt)
  }

  function openPicker(next: { from: string; output: string; keyboard?: boolean }) {
    focusBefore.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
    setPicker(next)
  }

  function closePicker() {
    setPicker(null)
    setConnecting(null)
    focusBefore.current?.focus()
  }

  function pick(type: string) {
    if (!picker) return
    let id = ''
    edit('add', (f) => {
      const added = addAfter(f, picker.from, picker.output, type)
      id = added.id
      queueMicrotask(() => select([added.id]))
      return added.flow
    })
    setPicker(null)
    if (id && flow) {
      setAnnouncement(t('keyboard.added', { step: nodeTypes.find((n) => n.type === type)?.title ?? type, from: stepTitle(flow, nodeTypes, picker.from), output: picker.output }))
      focusStep(id)
    }
  }

  function connectTo(from: string, output: string, to: string) {
    edit('connect', (f) => connect(f, { from, output, to }))
    setConnecting(null)
    if (flow) setAnnouncement(t('keyboard.connected', { from: stepTitle(flow, nodeTypes, from), output, to: stepTitle(flow, nodeTypes, to) }))
    focusStep(from)
  }

  function dropFromPalette(type: string, clientX: number, clientY: number) {
    const pane = document.querySelector('.react-flow__pane')?.getBoundingClientRect()
    if (!flow || !pane || clientX < pane.left || clientX > pane.right || clientY < pane.top || clientY > pane.bottom) return
    // On the pane the step's top-left corner is at the pointer (as the drag ghost shows); on an
    // arrow it lands centred on the pointer, over the arrow it joins.
    const pointer = toFlow(clientX, clientY)
    const onEdge = edgeAt(flow, clientX, clientY)
    const at = onEdge ? { x: pointer.x - NODE_WIDTH / 2, y: pointer.y - NODE_HEIGHT / 2 } : pointer
    edit(onEdge ? 'insert' : 'add', (f) => {
      const added = onEdge ? insertOnEdge(f, onEdge, type, outputsOf(type)[0], at) : addNode(f, type, at)
      queueMicrotask(() => select([added.id]))
      return added.flow
    })
  }

  /** A new sticky note in the middle of what the canvas shows, ready to type. */
  function addNoteInView() {
    const pane = document.querySelector('.react-flow__pane')?.getBoundingClientRect()
    const at = pane ? toFlow(pane.left + pane.width / 2 - 100, pane.top + pane.height / 2 - 40) : { x: 0, y: 0 }
    edit('add note', (f) => {
      const added = addNote(f, at)
      queueMicrotask(() => select([noteCanvasId(added.id)]))
      return added.flow
    })
  }

  function tidy() {
    edit('layout', (f) => move(f, autoLayout(f, selected.length > 1 ? new Set(selected) : undefined)))
    setTimeout(() => void fitView({ duration: 200 }), 50)
  }

  // Keyboard shortcuts (configurable, see shortcuts.ts); never while typing in a field.
  useEffect(() => {
    const shortcuts = loadShortcuts()
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement
      if (target.closest('input, textarea, select, [contenteditable="true"]')) return
      const action = actionOf(chordOf(event), shortcuts)
      if (!action) return
      const state = useEditor.getState()
      if (!state.flow) return
      event.preventDefault()
      if (action === 'undo' && !readOnly) undo()
      else if ((action === 'redo' || action === 'redoAlt') && !readOnly) redo()
      else if (action === 'delete' && !readOnly && state.selected.length > 0) {
        edit('delete', (f) => removeOnCanvas(f, state.selected))
        select([])
      } else if (action === 'copy' && state.selected.length > 0) void navigator.clipboard?.writeText(JSON.stringify(copy(state.flow, state.selected))).catch(() => undefined)
      else if (action === 'paste' && !readOnly) {
        void navigator.clipboard?.readText().then((text) => {
          const clip = parseClip(text)
          if (!clip) return
          edit('paste', (f) => {
            const pasted = paste(f, clip)
            queueMicrotask(() => select(pasted.ids))
            return pasted.flow
          })
        }).catch(() => undefined)
      } else if (action === 'selectAll') select(state.flow.nodes.map((n) => n.id))
      else if (action === 'add' && !readOnly) {
        const from = state.selected.find((id) => state.flow?.nodes.some((n) => n.id === id)) ?? state.flow.nodes[state.flow.nodes.length - 1]?.id
        if (from) {
          // From its first output not yet connected (else its first): where a new step usually goes.
          const edges = state.flow.edges
          const free = outputsOfStep(from).find((o) => !edges.some((e) => e.from === from && e.output === o))
          openPicker({ from, output: free ?? outputsOfStep(from)[0] ?? 'done', keyboard: true })
        }
      } else if (action === 'connect' && !readOnly) {
        const from = state.selected.find((id) => state.flow?.nodes.some((n) => n.id === id))
        if (from && outputsOfStep(from).length > 0) {
          focusBefore.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
          setConnecting(from)
        } else setAnnouncement(t('keyboard.noStep'))
      } else if (action === 'note' && !readOnly) addNoteInView()
      else if (action === 'layout' && !readOnly) tidy()
      else if (action === 'fit') void fitView({ duration: 200 })
      else if (action === 'save') void saveNow()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }) // re-bound each render: it reads the latest closures

  if (loadError) return <div className="empty-state">{loadError} <button type="button" onClick={onBack}>{t('editor.back')}</button></div>
  if (!flow) return <div className="empty-state">…</div>

  const focusNode = (nodeId: string) => {
    select([nodeId])
    void fitView({ nodes: [{ id: nodeId }], duration: 200, maxZoom: 1.2 })
  }
  const toggleSide = (panel: 'simulate' | 'history' | 'journey') => setSide((current) => (current === panel ? 'config' : panel))

  const selectedNode = selected.length === 1 ? flow.nodes.find((n) => n.id === selected[0]) : undefined
  const errors = problems.filter((p) => p.severity === 'error')

  return (
    <div className="editor">
      <header className="toolbar">
        <button type="button" onClick={() => { if (save === 'saved' || confirm(t('editor.leave'))) onBack() }}>← {t('editor.back')}</button>
        <h1>{flow.name}</h1>
        <span className={`save-state ${save}`} data-testid="save-state">
          {save === 'saving' ? t('editor.saving') : save === 'saved' ? t('editor.saved') : save === 'failed' ? t('editor.saveFailed', { message: saveError }) : save === 'conflict' ? t('editor.conflict') : t('editor.unsaved')}
        </span>
        {save === 'conflict' && <button type="button" onClick={() => void reload()}>{t('editor.reload')}</button>}
        <span className="spacer" />
        <button type="button" data-testid="undo" onClick={undo} disabled={readOnly} title="Ctrl+Z">{t('editor.undo')}</button>
        <button type="button" data-testid="redo" onClick={redo} disabled={readOnly} title="Ctrl+Shift+Z">{t('editor.redo')}</button>
        <button type="button" onClick={tidy} disabled={readOnly} title="L">{t('editor.layout')}</button>
        <button type="button" data-testid="add-note" onClick={addNoteInView} disabled={readOnly} title="N">{t('notes.add')}</button>
        <button type="button" data-testid="fit-view" onClick={() => void fitView({ duration: 200 })} title="F">{t('editor.fit')}</button>
        <button type="button" data-testid="simulate" aria-pressed={side === 'simulate'} className={side === 'simulate' ? 'active' : ''} onClick={() => toggleSide('simulate')}>{t('simulate.button')}</button>
        <button type="button" data-testid="open-results" onClick={() => { if (save === 'saved' || confirm(t('editor.leave'))) window.location.hash = `#/flows/${encodeURIComponent(flowId)}/results` }}>{t('results.button')}</button>
        <button type="button" data-testid="history" aria-pressed={side === 'history'} className={side === 'history' ? 'active' : ''} onClick={() => toggleSide('history')}>{t('history.button')}</button>
        <button type="button" data-testid="journey" aria-pressed={side === 'journey'} className={side === 'journey' ? 'active' : ''} onClick={() => toggleSide('journey')}>{t('journey.button')}</button>
        <CounterfactualReplay flowId={flowId} />
        <label className="inline"><input type="checkbox" checked={liveRun !== null} disabled={liveRun === null} readOnly /> {t('editor.live')}</label>
        <button type="button" className="primary" data-testid="publish" disabled={readOnly} onClick={() => setPublishing(true)}>{t('editor.publish')}</button>
      </header>
      <div className="workspace">
        <Palette nodeTypes={nodeTypes} readOnly={readOnly} onDrop={dropFromPalette} />
        <main className="canvas" data-testid="canvas"><Canvas readOnly={readOnly} onAddAfter={addAfterNode} /><RunWhereabouts flowId={flowId} liveRun={liveRun} /></main>
        {side === 'simulate' && <SimulatePanel flowId={flowId} onFocusNode={focusNode} />}
        {side === 'journey' && <JourneyPanel flowId={flowId} onFocusNode={focusNode} />}
        {side === 'history' && <HistoryPanel flowId={flowId} readOnly={readOnly} onFocusNode={focusNode} />}
        {side === 'config' && <ConfigPanel
          node={selectedNode}
          nodeType={nodeTypes.find((n) => n.type === selectedNode?.type)}
          problems={problems}
          readOnly={readOnly}
          pinned={selectedNode ? flow.layout[selectedNode.id]?.pinned === true : false}
          onConfig={(config) => selectedNode && edit('config', (f) => setConfig(f, selectedNode.id, config))}
          onTitle={(title) => selectedNode && edit('title', (f) => setTitle(f, selectedNode.id, title))}
          onPin={(pinned) => selectedNode && edit('pin', (f: Flow) => ({ ...f, layout: { ...f.layout, [selectedNode.id]: { ...(f.layout[selectedNode.id] ?? { x: 0, y: 0 }), pinned } } }))}
        />}
      </div>
      <footer className="problems-bar" data-testid="problems">
        <strong>{t('editor.problems')}</strong>{' '}
        {problems.length === 0 ? <span className="ok">{t('editor.noProblems')}</span> : (
          <ul className="problems">
            {problems.map((p) => (
              <li key={`${p.path}:${p.code}:${p.message}`} className={p.severity} data-problem-path={p.path} data-problem-node={p.nodeId} data-severity={p.severity}>
                <button type="button" onClick={() => { if (p.nodeId) { focusNode(p.nodeId); focusProblemField(p.nodeId, p.path) } }}>
                  <code>{p.path}</code> {p.message}
                </button>
              </li>
            ))}
          </ul>
        )}
      </footer>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcement">{announcement}</div>
      {picker && <StepPicker
        nodeTypes={nodeTypes}
        title={t('editor.addAfter', { output: picker.output })}
        {...(picker.keyboard ? { from: { outputs: outputsOfStep(picker.from), output: picker.output, targets: outputTargets(flow, nodeTypes, picker.from), onOutput: (output: string) => setPicker({ ...picker, output }) } } : {})}
        onPick={pick}
        onClose={closePicker}
      />}
      {connecting && <ConnectDialog
        flow={flow}
        nodeTypes={nodeTypes}
        from={connecting}
        outputs={outputsOfStep(connecting)}
        onConnect={(output, to) => connectTo(connecting, output, to)}
        onClose={closePicker}
      />}
      {publishing && (
        <PublishDialog
          flowId={flowId}
          name={flow.name}
          errors={errors.length}
          beforePublish={async () => { if (useEditor.getState().save !== 'saved') await saveNow() }}
          onClose={() => setPublishing(false)}
          onPublished={(runId) => { setLiveRun(runId); void reload() }}
        />
      )}
    </div>
  )
}
