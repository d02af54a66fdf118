/**
 * Which output of a step a keyboard add or connect starts from: a radio group (arrow keys move
 * the choice, as in any form), each output named with where it leads now, so a branch's meaning
 * is read, not guessed from a handle's position.
 */
import { useId } from 'react'
import { useTranslation } from 'react-i18next'

export function OutputChoice({ outputs, value, targets, onChange }: {
  outputs: readonly string[]
  value: string
  /** Output → the title of the step it leads to now, when connected. */
  targets: Readonly<Record<string, string>>
  onChange(output: string): void
}) {
  const { t } = useTranslation()
  const name = useId()
  if (outputs.length < 2) return null
  return (
    <fieldset className="output-choice" data-testid="output-choice">
      <legend>{t('keyboard.output')}</legend>
      {outputs.map((output) => (
        <label key={output} className="field inline">
          <input type="radio" name={name} value={output} checked={value === output} data-output={output} onChange={() => onChange(output)} />
          {' '}{targets[output] ? t('keyboard.outputTo', { output, step: targets[output] }) : t('keyboard.outputFree', { output })}
        </label>
      ))}
    </fieldset>
  )
}
