// One claim per person at a time, in arrival order (the real-time paths: writer-commit.ts, adjudicators.ts): a
// claim is adjudicated only once its person's previous claim is answered, so it sees that claim in the history.
// Different persons run concurrently. Also counts what is in flight, for /healthz and the drain on shutdown.
export class PersonQueue {
  private readonly tails = new Map<string, Promise<void>>()
  private inFlight = 0
  private drained: (() => void)[] = []

  /** Claims queued or running. */
  get pending(): number {
    return this.inFlight
  }

  /** Runs `fn` after every earlier call for `psnNo` has settled. */
  async run<T>(psnNo: string, fn: () => Promise<T>): Promise<T> {
    this.inFlight++
    const before = this.tails.get(psnNo)
    let release: () => void = () => {}
    const mine = new Promise<void>((resolve) => { release = resolve })
    this.tails.set(psnNo, mine)
    try {
      if (before !== undefined) await before
      return await fn()
    } finally {
      release()
      if (this.tails.get(psnNo) === mine) this.tails.delete(psnNo)
      if (--this.inFlight === 0) for (const d of this.drained.splice(0)) d()
    }
  }

  /** Resolves when nothing is queued or running. */
  drain(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => { this.drained.push(resolve) })
  }
}
