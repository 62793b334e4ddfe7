// Prometheus metrics (GET /metrics): requests and latency per route, settlements by status, rejections by reason
// code, and the ledger commit time of each group commit. One registry per app, so tests can build many apps.
import type { FastifyInstance } from 'fastify'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AdjudicationResult } from '../../engine/result.js'
import { rejectionCodes } from '../claim-checks.js'

export class ServiceMetrics {
  readonly registry = new Registry()
  readonly requests = new Counter({
    name: 'dipsettle_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  })
  readonly latency = new Histogram({
    name: 'dipsettle_http_request_duration_seconds', help: 'time from request to answer', labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  })
  readonly settlements = new Counter({
    name: 'dipsettle_settlements_total', help: 'claims answered, by status (settled, computed, rejected)',
    labelNames: ['route', 'status'] as const, registers: [this.registry],
  })
  readonly rejections = new Counter({
    name: 'dipsettle_rejections_total', help: 'rejected claims by reason code', labelNames: ['code'] as const,
    registers: [this.registry],
  })
  readonly commit = new Histogram({
    name: 'dipsettle_ledger_commit_seconds', help: 'time of one ledger transaction (a group commit of real-time claims)',
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5], registers: [this.registry],
  })
  readonly commitClaims = new Histogram({
    name: 'dipsettle_ledger_commit_claims', help: 'claims per group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 512], registers: [this.registry],
  })

  readonly storageFull = new Counter({
    name: 'dipsettle_storage_full_total', help: 'settlements refused because the ledger\'s disk was full (503 E_STORAGE_FULL)',
    registers: [this.registry],
  })

  constructor(defaults = false) {
    if (defaults) collectDefaultMetrics({ register: this.registry })
  }

  countResult(route: string, r: AdjudicationResult): void {
    this.countStatus(route, r.status, rejectionCodes(r))
  }

  countStatus(route: string, status: AdjudicationResult['status'], codes: readonly string[]): void {
    this.settlements.inc({ route, status })
    if (status === 'rejected') for (const code of codes) this.rejections.inc({ code })
  }

  countCommit(claims: number, seconds: number): void {
    this.commit.observe(seconds)
    this.commitClaims.observe(claims)
  }
}

export function registerMetrics(app: FastifyInstance, metrics: ServiceMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) })
    metrics.latency.observe({ method: req.method, route }, reply.elapsedTime / 1000)
  })
}
