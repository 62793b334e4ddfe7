// Main diagnosis → 亚目 (the 4-character-plus-dot key a DIP core group is written on) and 3-character category
// (类目, the key of the composite groups). SPEC §5; data README: codes mix `x` and `X`, so everything is upper-cased.

/** `I63.900x001` → `I63.9`; `A46.x00` → `A46.X`. A code without the dot keeps what it has (upper-cased). */
export function subcategoryOf(dx: string): string {
  const code = dx.trim().toUpperCase()
  return code.length >= 5 && code[3] === '.' ? code.slice(0, 5) : code
}

/** `I63.900x001` → `I63` (the composite group's category). */
export function categoryOf(dx: string): string {
  return dx.trim().toUpperCase().slice(0, 3)
}
