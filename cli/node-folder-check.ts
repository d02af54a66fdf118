/**
 * Type-checks and lints node-type folders the way nodes/ is checked in this repository: the
 * TypeScript compiler with Sluice's tsconfig options, and ESLint with Sluice's rules for node code
 * (determinism, import boundaries; eslint.config.js `nodeFolderLintConfig`). The folders may lie
 * outside this repository (a project's own, named in its sluice.config.ts or given with --nodes);
 * there `sluice`, `sluice/…`, zod and vitest resolve from Sluice's install, as they do when the
 * folder is loaded (engine/registry/node-module-hooks.mjs).
 *
 * TypeScript and ESLint are development tools of Sluice: a checkout with `npm install` has them.
 */
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type * as ESLintModule from 'eslint'
import type TypeScript from 'typescript'
import { UserError } from '../engine/errors.ts'
import { isOutsideSluice, SLUICE_ROOT } from '../engine/registry/import-project-module.ts'

/** One problem in a node folder's file. */
export interface FolderProblem {
  /** Absolute path. */
  file: string
  line: number
  column: number
  severity: 'error' | 'warning'
  message: string
  /** `typescript` (with its TS code) or the ESLint rule. */
  source: string
}

/** Bare packages a folder outside Sluice may use without installing them: Sluice's own copies. */
const FROM_SLUICE_WHEN_MISSING = new Set(['zod', 'vitest'])

function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z]+:/i.test(specifier)) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** The TypeScript files of a folder, recursively, without node_modules. */
function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name)
      if (name === 'node_modules' || name.startsWith('.')) return []
      if (statSync(file).isDirectory()) return typeScriptFiles(file)
      return /\.m?ts$/.test(name) && !name.endsWith('.d.ts') ? [file] : []
    })
}

async function devTool<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T
  } catch {
    throw new UserError('dev-tool', `checking node folders needs ${name}, one of Sluice's development dependencies: run npm install in ${SLUICE_ROOT}`)
  }
}

/** TypeScript errors of the folders' files (only theirs: Sluice's own files are checked by its own build). */
async function typeProblems(files: string[]): Promise<FolderProblem[]> {
  const ts = ((await devTool<{ default: typeof TypeScript }>('typescript')).default)
  const configFile = path.join(SLUICE_ROOT, 'tsconfig.json')
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, SLUICE_ROOT)
  // Module format: a folder without a package.json saying "type": "module" is ESM all the same
  // (the loader loads it so), which NodeNext would not assume; `preserve` + bundler resolution
  // reads it as ESM and still honours package `exports`.
  const options: TypeScript.CompilerOptions = { ...parsed.options, noEmit: true, module: ts.ModuleKind.Preserve, moduleResolution: ts.ModuleResolutionKind.Bundler }
  const host = ts.createCompilerHost(options)
  const fromSluice = path.join(SLUICE_ROOT, 'package.json')
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions) =>
    literals.map((literal) => {
      const name = packageName(literal.text)
      const outside = isOutsideSluice(containingFile)
      if (outside && name === 'sluice') return ts.resolveModuleName(literal.text, fromSluice, compilerOptions, host, undefined, redirected)
      const own = ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, undefined, redirected)
      if (outside && !own.resolvedModule && name !== undefined && FROM_SLUICE_WHEN_MISSING.has(name)) {
        return ts.resolveModuleName(literal.text, fromSluice, compilerOptions, host, undefined, redirected)
      }
      return own
    })
  const program = ts.createProgram({ rootNames: files, options, host })
  const problems: FolderProblem[] = []
  for (const file of files) {
    const source = program.getSourceFile(file)
    if (!source) continue
    for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
      problems.push({
        file,
        line: line + 1,
        column: character + 1,
        severity: diagnostic.category === ts.DiagnosticCategory.Error ? 'error' : 'warning',
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
        source: `typescript TS${diagnostic.code}`,
      })
    }
  }
  return problems
}

/** ESLint problems of one folder, linted on its own with Sluice's node-code rules. */
async function lintProblems(dir: string): Promise<FolderProblem[]> {
  const { ESLint } = await devTool<typeof ESLintModule>('eslint')
  const sluiceConfig = (await import(pathToFileURL(path.join(SLUICE_ROOT, 'eslint.config.js')).href)) as { nodeFolderLintConfig: () => unknown }
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: sluiceConfig.nodeFolderLintConfig() as never, errorOnUnmatchedPattern: false })
  const results = await eslint.lintFiles(['**/*.ts', '**/*.mts'])
  return results.flatMap((result) =>
    result.messages.map((m) => ({
      file: result.filePath,
      line: m.line ?? 1,
      column: m.column ?? 1,
      severity: m.severity === 2 ? ('error' as const) : ('warning' as const),
      message: m.message,
      source: m.ruleId ?? 'eslint',
    })),
  )
}

/** Every type and lint problem of the folders, by file then position. */
export async function checkNodeFolders(dirs: readonly string[]): Promise<FolderProblem[]> {
  const folders = [...new Set(dirs.map((dir) => path.resolve(dir)))]
  const files = folders.flatMap(typeScriptFiles)
  if (files.length === 0) return []
  const problems = [...(await typeProblems(files))]
  for (const dir of folders) problems.push(...(await lintProblems(dir)))
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
}
