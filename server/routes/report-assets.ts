// The report pages' script (echarts, 1.1 MB) served once and cached by the browser, instead of inside every report
// response: `GET /assets/echarts.min.js`, immutable for a year under a URL that names its content hash (`?v=`),
// answered 304 to a matching If-None-Match, gzip-compressed once for clients that accept it.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { echartsFile } from '../../engine/settlement/report-html.js'

export const ECHARTS_PATH = '/assets/echarts.min.js'

interface Asset { readonly body: Buffer; readonly gzip: Buffer; readonly etag: string; readonly url: string }

let echarts: Asset | undefined

/** The file, its gzip and its ETag, read once per process. */
export function echartsAsset(): Asset {
  if (echarts === undefined) {
    const body = readFileSync(echartsFile())
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 16)
    echarts = { body, gzip: gzipSync(body, { level: 9 }), etag: `"${hash}"`, url: `${ECHARTS_PATH}?v=${hash}` }
  }
  return echarts
}

/** Whether an If-None-Match header names this ETag (a list, weak forms, or `*`). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((t) => { const v = t.trim(); return v === '*' || v === etag || v === `W/${etag}` })
}

export function registerReportAssets(app: FastifyInstance): void {
  app.get(ECHARTS_PATH, async (req, reply) => {
    const a = echartsAsset()
    reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', a.etag).header('vary', 'accept-encoding')
    if (matches(req.headers['if-none-match'], a.etag)) return reply.code(304).send()
    reply.type('text/javascript; charset=utf-8')
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(a.gzip)
    return reply.send(a.body)
  })
}
