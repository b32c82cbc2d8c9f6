/** Advisors: the staff accounts leads are routed to, and the round-robin that picks one. */
export { createAdvisorAssignment, createRoundRobin, type AdvisorAssignment, type AdvisorCandidate, type AdvisorContact, type LeadToRoute } from './assignment';
