import '@xyflow/react/dist/style.css'
import './styles.css'
import './i18n.ts'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'

createRoot(document.getElementById('root') as HTMLElement).render(<StrictMode><App /></StrictMode>)
