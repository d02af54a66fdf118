/** The editor app: campaign list ↔ flow editor (the flow id in the URL hash), language switcher. */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, nodeTypesApi, setCsrfToken } from './api.ts'
import { FlowEditor } from './canvas/FlowEditor.tsx'
import { useEditor } from './canvas/editor-store.ts'
import { FlowList } from './flows/FlowList.tsx'
import { LANGUAGES, setLanguage } from './i18n.ts'

const flowFromHash = () => /^#\/flows\/(.+)$/.exec(window.location.hash)?.[1] ?? null

export function App() {
  const { t, i18n } = useTranslation()
  const [flowId, setFlowId] = useState<string | null>(flowFromHash)
  const [role, setRole] = useState<string>('viewer')

  useEffect(() => {
    const onHash = () => setFlowId(flowFromHash())
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  useEffect(() => {
    void nodeTypesApi.list().then((r) => useEditor.getState().setNodeTypes(r.nodeTypes))
    // Who am I: a session has a CSRF token for writes; local mode acts as an admin.
    void api<{ principal?: { role: string }; role?: string; csrfToken?: string }>('GET', '/auth/me')
      .then((me) => { setRole(me.principal?.role ?? me.role ?? 'admin'); setCsrfToken(me.csrfToken ?? null) })
      .catch(() => setRole('admin'))
  }, [])

  const readOnly = role === 'viewer' || role === 'operator'
  const open = (id: string | null) => { window.location.hash = id ? `#/flows/${id}` : '#/' }
  return (
    <div className="app" lang={i18n.language}>
      <nav className="topbar">
        <a href="#/" className="brand">Sluice</a>
        <span className="spacer" />
        <label>{t('app.language')}{' '}
          <select value={i18n.language} onChange={(e) => setLanguage(e.target.value)} data-testid="language">
            {LANGUAGES.map((l) => <option key={l.code} value={l.code}>{l.label}</option>)}
          </select>
        </label>
      </nav>
      {flowId ? <FlowEditor key={flowId} flowId={decodeURIComponent(flowId)} readOnly={readOnly} onBack={() => open(null)} /> : <FlowList readOnly={readOnly} onOpen={open} />}
    </div>
  )
}
