// Codes against the policy's prefix lists (SPEC §14: M_QTY_PER_DAY code_prefixes, M_SEX_AGE dx/item prefixes).
// Codes compare upper-case, as the tables hold them; the lists are upper-cased once per policy object, and a code is
// upper-cased only when it has a lower-case letter (rare: claims send catalogue codes as listed), so a claim's check
// allocates nothing.

const UPPER = new WeakMap<readonly string[], readonly string[]>()

function upperList(prefixes: readonly string[]): readonly string[] {
  let u = UPPER.get(prefixes)
  if (u === undefined) {
    u = prefixes.map((p) => p.toUpperCase())
    UPPER.set(prefixes, u)
  }
  return u
}

function hasLowerCase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 97 && c <= 122) return true
  }
  return false
}

/** The code (any case) starts with one of the prefixes (any case). */
export function startsWithAny(code: string, prefixes: readonly string[]): boolean {
  const c = hasLowerCase(code) ? code.toUpperCase() : code
  for (const p of upperList(prefixes)) if (c.startsWith(p)) return true
  return false
}
