// The V8 young generation the HTTP service runs with. A request's objects (the parsed claim, its adjudication, its
// answer) live until its commit — a few ms under load — so with V8's default 16 MB semi-space many survive two
// scavenges and are promoted; the old generation then fills and its collections mark the ~100 MB of lookup tables
// each time. With 32 MB they mostly die young. Measured (bench/http.ts --quick, three pairs on one box): settle rps
// +14 % on average (1,684 → 1,907, 1,759 → 2,026, 2,044 → 2,292), p99 a little lower; 64 MB measured no better.
// Set where a process starts: the `dipsettle` shebang and `npm start` (test/server/heap.test.ts keeps them in step).
export const SERVER_SEMI_SPACE_MB = 32

/** The node flag for a process running the service (inherited by `serve --workers N`'s cluster workers). */
export const SERVER_NODE_FLAG = `--max-semi-space-size=${SERVER_SEMI_SPACE_MB}`

/** The same for a worker thread running a server (the benchmark's servers): its resourceLimits (2 semi-spaces). */
export const SERVER_WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 * SERVER_SEMI_SPACE_MB } as const
