// The published defaults of the policy's optional `dip` keys (SPEC §4). The schema declares them and grouping reads
// them from here, so a worker need not load the schema (typebox) just to read three numbers.
export const DIP_DEFAULTS = {
  low_standard_cost_ratio: 0.3,
  low_standard_max_days: 3,
  long_stay_multiple: 3,
} as const
