/** The programs a person can ask about: stored rows, and the active list kept in memory for pages and inquiries. */
export { createProgramRepository, type Program, type ProgramRepository } from './program-repository';
export { createProgramCatalog, type ProgramCatalog } from './program-catalog';
