/** Staff accounts as advisors: their programs and availability (SPEC §10). */
export { createAdvisorRepository, type Advisor, type AdvisorChange, type AdvisorRepository, type AdvisorUpdate, type AdvisorUpdateResult } from './advisor-repository';
export { checkProgramCodes, describePrograms, EVERY_PROGRAM, parseProgramList, type ProgramCheck, type ProgramListParse } from './advisor-programs';
