/** The editor app: campaign list ↔ flow editor ↔ its results (the flow id in the URL hash), language switcher. */
import { lazy, Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiFailure, nodeTypesApi, setCsrfToken } from './api.ts'
import { FlowEditor } from './canvas/FlowEditor.tsx'
import { useEditor } from './canvas/editor-store.ts'
import { FlowList } from './flows/FlowList.tsx'
import { LANGUAGES, setLanguage } from './i18n.ts'
import { Login, type Session } from './Login.tsx'

const flowFromHash = () => /^#\/flows\/(.+)$/.exec(window.location.hash)?.[1] ?? null
/** `#/flows/<id>/results` shows the flow's results instead of its canvas. */
const RESULTS_SUFFIX = '/results'
// The charts (recharts) load when results are first opened, so the canvas does not wait for them.
const ResultsView = lazy(() => import('./results/ResultsView.tsx').then((m) => ({ default: m.ResultsView })))

export function App() {
  const { t, i18n } = useTranslation()
  const [flowId, setFlowId] = useState<string | null>(flowFromHash)
  const [session, setSession] = useState<Session | null | 'signed-out'>(null)

  useEffect(() => {
    const onHash = () => setFlowId(flowFromHash())
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  // Who am I: a cookie session has a CSRF token for writes; local mode and tokens need none.
  useEffect(() => {
    void api<Session>('GET', '/auth/me')
      .then((me) => setSession(me))
      .catch((e: unknown) => setSession(e instanceof ApiFailure && e.status === 401 ? 'signed-out' : { principal: { name: 'local', role: 'admin' }, csrfToken: null }))
  }, [])
  // Node types read in the editor's language (their declarations' locales).
  useEffect(() => useEditor.getState().setLanguage(i18n.language), [i18n.language])
  useEffect(() => {
    if (session === null || session === 'signed-out') return
    setCsrfToken(session.csrfToken)
    // A failed request still lets the canvas draw (steps under their type names), as before.
    void nodeTypesApi.list().then((r) => useEditor.getState().setNodeTypes(r.nodeTypes), () => useEditor.getState().setNodeTypes([]))
  }, [session])

  if (session === null) return <div className="app" />
  if (session === 'signed-out') return <div className="app"><Login onSignedIn={setSession} /></div>
  const role = session.principal.role
  // Viewers and operators see the canvas read-only: they watch and control runs, they do not edit.
  const readOnly = role === 'viewer' || role === 'operator'
  const signOut = () => void api('POST', '/auth/logout').finally(() => { setCsrfToken(null); setSession('signed-out') })
  const open = (id: string | null) => { window.location.hash = id ? `#/flows/${id}` : '#/' }
  return (
    <div className="app" lang={i18n.language}>
      <nav className="topbar">
        <a href="#/" className="brand">Sluice</a>
        <span className="spacer" />
        {readOnly && <span className="tag" data-testid="read-only">{t('app.readOnly', { role })}</span>}
        <span>{session.principal.name}</span>
        {session.csrfToken !== null && <button type="button" onClick={signOut}>{t('app.signOut')}</button>}
        <label>{t('app.language')}{' '}
          <select value={i18n.language} onChange={(e) => setLanguage(e.target.value)} data-testid="language">
            {LANGUAGES.map((l) => <option key={l.code} value={l.code}>{l.label}</option>)}
          </select>
        </label>
      </nav>
      {flowId?.endsWith(RESULTS_SUFFIX)
        ? <Suspense fallback={<div className="empty-state">…</div>}><ResultsView key={flowId} flowId={decodeURIComponent(flowId.slice(0, -RESULTS_SUFFIX.length))} onBack={() => open(flowId.slice(0, -RESULTS_SUFFIX.length))} /></Suspense>
        : flowId ? <FlowEditor key={flowId} flowId={decodeURIComponent(flowId)} readOnly={readOnly} onBack={() => open(null)} /> : <FlowList readOnly={readOnly} onOpen={open} />}
    </div>
  )
}
