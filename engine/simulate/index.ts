// The province-scale simulation (`dipsettle simulate`, issue 9).
export { runSimulation } from './run.js'
export type { MonthSummary, SimulateOptions, SimulationReport, StageTime } from './run.js'
export { buildProvince, defaultHospitalSets, scaledHospitalRows } from './province.js'
export { DEFAULT_RATES, monthVolume, addMonths } from './workload.js'
export type { WorkloadRates, MonthVolume } from './workload.js'
export { extrapolate, NATIONAL_SETTLEMENTS_PER_DAY, PROVINCE_PEAK_TPS } from './extrapolate.js'
export type { Extrapolation } from './extrapolate.js'
