import type { AdvisorAssignment } from '../advisors';
import type { LeadCallee, LeadCallees } from '../leads';
import type { Database } from '../platform/database';
import { callbackRepository as calls, type Call } from './callback-repository';

/** A call as staff pages show it: with its person and who calls. */
export interface CallForStaff extends Call {
  callee: LeadCallee;
  advisorName: string | null;
}

/** Reads of calls for the staff workspace (the queue and the lead page); no writes. */
export function createCallbackReads(deps: { db: Database; callees: LeadCallees; advisors: Pick<AdvisorAssignment, 'contacts'> }) {
  const pool = deps.db.pool;

  async function withPeople(found: Call[]): Promise<CallForStaff[]> {
    const [callees, advisors] = await Promise.all([
      deps.callees.find([...new Set(found.map((call) => call.leadId))]),
      deps.advisors.contacts(pool, found.flatMap((call) => (call.advisorId ? [call.advisorId] : []))),
    ]);
    return found.flatMap((call) => {
      const callee = callees.get(call.leadId);
      return callee ? [{ ...call, callee, advisorName: call.advisorId ? (advisors.get(call.advisorId)?.name ?? null) : null }] : [];
    });
  }

  return {
    /** Booked calls of one advisor starting in [from, to), in time order. */
    async bookedFor(advisorId: string, from: Date, to: Date): Promise<CallForStaff[]> {
      return withPeople(await calls.bookedFor(pool, advisorId, from, to));
    },

    /** The lead's call, booked or cancelled; null when it never had one. */
    async ofLead(leadId: string): Promise<CallForStaff | null> {
      const call = await calls.forLead(pool, leadId);
      return call ? ((await withPeople([call]))[0] ?? null) : null;
    },
  };
}

export type CallbackReads = ReturnType<typeof createCallbackReads>;
