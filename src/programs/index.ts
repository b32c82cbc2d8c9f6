/** Programs: what a person can ask about, kept in memory for a short while. */
export { createProgramRepository, type Program, type ProgramRepository } from './program-repository';
export { createProgramCatalog, type ProgramCatalog } from './program-catalog';
