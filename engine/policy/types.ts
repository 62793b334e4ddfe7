import type { Static } from 'typebox'
import type { PolicySchema } from './schema.js'

/** A validated policy document (SPEC §4). Money in yuan and ratios as fractions, exactly as in the file. */
export type Policy = Static<typeof PolicySchema>
