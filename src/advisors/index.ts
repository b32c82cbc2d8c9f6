/**
 * Staff accounts as advisors: their programs and availability, and the
 * round-robin that routes each lead to one of them. This capability owns the
 * advisor columns of staff_users (programs, available, last_assigned_at);
 * staff owns the accounts themselves.
 */
export { createAdvisorRepository, type Advisor, type AdvisorChange, type AdvisorRepository, type AdvisorUpdate, type AdvisorUpdateResult } from './advisor-repository';
export { checkProgramCodes, describePrograms, EVERY_PROGRAM, parseProgramList, type ProgramCheck, type ProgramListParse } from './advisor-programs';
export { createAdvisorAssignment, type AdvisorAssignment, type AdvisorCandidate, type AdvisorContact, type LeadToRoute } from './assignment';
