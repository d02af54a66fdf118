/**
 * File uploads, streamed to a temporary file without holding them in memory: the request body
 * itself (`text/csv`, `application/x-ndjson`) or the first file part of a `multipart/form-data`
 * body (parsed as it streams, by @fastify/busboy). The importers read files twice (type
 * inference, then the write), so a file on disk is what they need; spooling keeps them as they
 * are. Past `maxBytes` the upload stops with a 413 and the partial file is removed.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { Busboy } from '@fastify/busboy'
import { ApiError } from './errors.ts'

export type UploadFormat = 'csv' | 'jsonl'

/** Media types of a body that is the file itself. */
const BODY_FORMATS: Record<string, UploadFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
}
const EXTENSION_FORMATS: Record<string, UploadFormat> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' }

/** An upload on disk; `dispose()` removes it (and whatever else was written beside it). */
export interface SpooledUpload {
  /** The file on disk, named with the format's extension. */
  path: string
  /** Its folder, for files written beside it (an import's rejects). */
  dir: string
  /** The name to show: the multipart file name, else `upload.csv` / `upload.jsonl`. */
  name: string
  format: UploadFormat
  bytes: number
  dispose(): Promise<void>
}

export interface SpoolOptions {
  maxBytes: number
  /** `csv` or `jsonl` as asked for explicitly (a query parameter); wins over the media type and file name. */
  format?: UploadFormat
}

const tooLarge = (maxBytes: number) => new ApiError(413, 'too-large', `uploads are limited to ${formatBytes(maxBytes)}; split the file`)

/** Streams the request's file to a temporary folder; 400/413/415 errors say what was wrong with it. */
export async function spoolUpload(request: Request, options: SpoolOptions): Promise<SpooledUpload> {
  const contentType = request.headers.get('content-type') ?? ''
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  const length = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(length) && length > options.maxBytes) throw tooLarge(options.maxBytes)
  const multipart = media === 'multipart/form-data'
  if (!multipart && !(media in BODY_FORMATS)) {
    throw new ApiError(415, 'unsupported-media-type', `send the file as the body with Content-Type text/csv or application/x-ndjson, or as a multipart/form-data file part; got ${media === '' ? 'no Content-Type' : media}`)
  }
  if (!request.body) throw new ApiError(400, 'upload.empty', 'the request has no body: send the file')
  const dir = await mkdtemp(join(tmpdir(), 'sluice-upload-'))
  const dispose = () => rm(dir, { recursive: true, force: true })
  try {
    const source = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>)
    const received = multipart ? await spoolFilePart(source, contentType, dir, options) : await spoolBody(source, dir, options.format ?? (BODY_FORMATS[media] as UploadFormat), options.maxBytes)
    return { ...received, dir, dispose }
  } catch (error) {
    await dispose()
    throw error
  }
}

async function spoolBody(source: Readable, dir: string, format: UploadFormat, maxBytes: number) {
  const name = `upload.${format}`
  const path = join(dir, name)
  const bytes = await writeLimited(source, path, maxBytes)
  return { path, name, format, bytes }
}

/** The first file part of a multipart body; other parts are read past and ignored. */
async function spoolFilePart(source: Readable, contentType: string, dir: string, options: SpoolOptions) {
  return new Promise<{ path: string; name: string; format: UploadFormat; bytes: number }>((resolve, reject) => {
    let written: Promise<{ path: string; name: string; format: UploadFormat; bytes: number }> | undefined
    let parser: InstanceType<typeof Busboy>
    // A bad or oversized file part ends the upload at once: stop reading the rest of the body.
    const fail = (error: unknown) => {
      source.unpipe()
      source.destroy()
      reject(error)
    }
    try {
      parser = new Busboy({ headers: { 'content-type': contentType }, limits: { files: 1 } })
    } catch (error) {
      reject(new ApiError(400, 'upload.multipart', `malformed multipart body: ${error instanceof Error ? error.message : String(error)}`))
      return
    }
    parser.on('file', (_field, stream, filename, _encoding, mimeType) => {
      const name = filename && filename.trim() !== '' ? filename.replace(/^.*[\\/]/, '') : 'upload'
      const format = options.format ?? BODY_FORMATS[mimeType.toLowerCase()] ?? EXTENSION_FORMATS[extname(name).toLowerCase()]
      if (!format) {
        stream.resume()
        fail(new ApiError(400, 'upload.format', `cannot tell the format of "${name}" (${mimeType}): name it .csv, .jsonl or .ndjson, send it as text/csv or application/x-ndjson, or add format=csv|jsonl`))
        return
      }
      const path = join(dir, `upload.${format}`)
      written = writeLimited(stream, path, options.maxBytes).then((bytes) => ({ path, name, format, bytes }))
      written.catch(fail)
    })
    parser.on('error', (error: Error) => fail(error instanceof ApiError ? error : new ApiError(400, 'upload.multipart', `malformed multipart body: ${error.message}`)))
    parser.on('finish', () => {
      if (!written) reject(new ApiError(400, 'upload.no-file', 'the multipart body has no file part: send the file in a part with a filename'))
      else written.then(resolve, reject)
    })
    source.on('error', fail)
    source.pipe(parser)
  })
}

/** Writes `source` to `path`, failing with a 413 past `maxBytes`; answers the bytes written. */
async function writeLimited(source: Readable, path: string, maxBytes: number): Promise<number> {
  let bytes = 0
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      if (bytes > maxBytes) done(tooLarge(maxBytes))
      else done(null, chunk)
    },
  })
  await pipeline(source, limit, createWriteStream(path))
  return bytes
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 1)} GiB`
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 1)} MiB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`
  return `${bytes} bytes`
}
