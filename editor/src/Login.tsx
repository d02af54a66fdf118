/** Sign-in: name and password; the session cookie is HttpOnly, the CSRF token stays in memory. */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiFailure } from './api.ts'

export interface Session {
  principal: { name: string; role: string }
  csrfToken: string | null
}

export function Login({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      onSignedIn(await api<Session>('POST', '/auth/login', { name, password }))
    } catch (e) {
      setError(e instanceof ApiFailure && e.status === 401 ? t('login.wrong') : e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="login" data-testid="login" onSubmit={(e) => void submit(e)}>
      <h1>{t('login.title')}</h1>
      <label className="field">{t('login.name')}<input name="name" data-testid="login-name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} autoFocus /></label>
      <label className="field">{t('login.password')}<input name="password" data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} /></label>
      {error && <p className="error" role="alert" data-testid="login-error">{error}</p>}
      <button type="submit" className="primary" data-testid="login-submit" disabled={busy || name === '' || password === ''}>{t('login.submit')}</button>
      <p className="muted">{t('login.hint')}</p>
    </form>
  )
}
