// Days of stays and visits as monitoring compares them (SPEC §14). Day numbers are days since 1970-01-01 (claim.ts).

/**
 * Two day ranges share more than a boundary day: a transfer discharged and admitted on the same day, or an outpatient
 * visit on the admission or the discharge day, does not overlap; a day strictly inside the other range does.
 */
export function overlapsStrictly(aBegn: number, aEnd: number, bBegn: number, bEnd: number): boolean {
  return aBegn < bEnd && bBegn < aEnd
}

/** YYYY-MM-DD of a day number, for a finding's detail. */
export function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10)
}
