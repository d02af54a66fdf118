/** Publish: the in-flight policy for customers already in the campaign, with a forecast of the next days; blocked while errors remain. */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { flowsApi } from '../api.ts'
import { PublishForecast } from './PublishForecast.tsx'

export function PublishDialog({ flowId, name, errors, beforePublish, onClose, onPublished }: {
  flowId: string
  name: string
  errors: number
  beforePublish(): Promise<void>
  onClose(): void
  onPublished(runId: string): void
}) {
  const { t } = useTranslation()
  const [policy, setPolicy] = useState<'pin' | 'migrate' | 'drain'>('pin')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<string | null>(null)
  const [failure, setFailure] = useState<string | null>(null)

  async function publish() {
    setBusy(true)
    setFailure(null)
    try {
      await beforePublish()
      const published = await flowsApi.publish(flowId, policy)
      setResult(published.created ? t('publish.done', { version: published.version, run: published.runId }) : t('publish.same', { version: published.version }))
      onPublished(published.runId)
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-label={t('publish.title', { name })} onClick={(e) => e.stopPropagation()}>
        <h2>{t('publish.title', { name })}</h2>
        <fieldset>
          <legend>{t('publish.policy')}</legend>
          {(['pin', 'migrate', 'drain'] as const).map((p) => (
            <label key={p} className="field inline"><input type="radio" name="policy" checked={policy === p} onChange={() => setPolicy(p)} /> {t(`publish.${p}`)}</label>
          ))}
        </fieldset>
        {result === null && <PublishForecast flowId={flowId} errors={errors} beforeForecast={beforePublish} />}
        {errors > 0 && <p className="error">{t('publish.blocked')} ({t('editor.errors', { count: errors })})</p>}
        {failure && <p className="error" data-testid="publish-error">{failure}</p>}
        {result && <p className="ok" data-testid="publish-result">{result}</p>}
        <div className="actions">
          <button type="button" data-testid="publish-close" onClick={onClose}>{t('publish.cancel')}</button>
          <button type="button" className="primary" data-testid="publish-confirm" disabled={busy || errors > 0 || result !== null} onClick={() => void publish()}>{t('publish.confirm')}</button>
        </div>
      </div>
    </div>
  )
}
