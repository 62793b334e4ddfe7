// A bounded least-recently-used cache: a Map keeps insertion order, so the first key is the least recently used
// (a hit is re-inserted at the end). Its size never passes `capacity`, whatever the number of keys seen.
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>()

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`BoundedCache: capacity ${capacity} < 1`)
  }

  get size(): number {
    return this.map.size
  }

  get(key: K): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }

  set(key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K)
  }

  clear(): void {
    this.map.clear()
  }
}
