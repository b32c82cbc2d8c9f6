import type { Prisma, StaffRole } from '../generated/prisma/client';
import type { Database } from '../platform/database';

/**
 * Staff accounts seen as advisors (SPEC §10): every enabled account is one,
 * with the programs it takes leads for (none = every program) and whether
 * it is taking leads now. Assignment reads the same columns with its own
 * SQL; this repository is for the people who manage them.
 */
export interface Advisor {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  disabledAt: Date | null;
  programs: string[];
  available: boolean;
  lastAssignedAt: Date | null;
  createdAt: Date;
}

export interface AdvisorChange {
  available?: boolean;
  programs?: string[];
}

/** What an update did: each field as it was and as it is now; `changed` lists the fields that really changed. */
export interface AdvisorUpdate {
  before: Advisor;
  after: Advisor;
  changed: Array<'available' | 'programs'>;
}

export type AdvisorUpdateResult = { outcome: 'updated'; update: AdvisorUpdate } | { outcome: 'not_found' } | { outcome: 'disabled' };

type Transaction = Prisma.TransactionClient;

const select = { id: true, email: true, name: true, role: true, disabledAt: true, programs: true, available: true, lastAssignedAt: true, createdAt: true } as const;

const samePrograms = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((code, index) => code === b[index]);

export function createAdvisorRepository(db: Database) {
  /**
   * Sets availability and/or programs. A disabled account cannot be made
   * available (it would be routed leads it can never open). The row is
   * locked while it is read and written, and `recordChange` (the audit
   * record) runs in the same transaction, only when something changed.
   */
  async function update(id: string, change: AdvisorChange, recordChange: (tx: Transaction, update: AdvisorUpdate) => Promise<void>): Promise<AdvisorUpdateResult> {
    return db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM staff_users WHERE id = ${id}::uuid FOR UPDATE`;
      if (locked.length === 0) return { outcome: 'not_found' } as const;
      const before = await tx.staffUser.findUniqueOrThrow({ where: { id }, select });
      if (change.available === true && before.disabledAt) return { outcome: 'disabled' } as const;

      const changed: AdvisorUpdate['changed'] = [];
      if (change.available !== undefined && change.available !== before.available) changed.push('available');
      if (change.programs !== undefined && !samePrograms(change.programs, before.programs)) changed.push('programs');
      if (changed.length === 0) return { outcome: 'updated', update: { before, after: before, changed } } as const;

      const after = await tx.staffUser.update({
        where: { id },
        data: {
          ...(changed.includes('available') ? { available: change.available } : {}),
          ...(changed.includes('programs') ? { programs: change.programs } : {}),
        },
        select,
      });
      const done = { before, after, changed };
      await recordChange(tx, done);
      return { outcome: 'updated', update: done } as const;
    });
  }

  return {
    /** Every account, enabled ones first, then by name: the team page. */
    async list(): Promise<Advisor[]> {
      const rows = await db.staffUser.findMany({ select, orderBy: [{ name: 'asc' }, { createdAt: 'asc' }] });
      return [...rows.filter((row) => !row.disabledAt), ...rows.filter((row) => row.disabledAt)];
    },

    find(id: string): Promise<Advisor | null> {
      return db.staffUser.findUnique({ where: { id }, select });
    },

    /** By email address, compared lower-cased as accounts store it. */
    findByEmail(email: string): Promise<Advisor | null> {
      return db.staffUser.findUnique({ where: { email: email.trim().toLowerCase() }, select });
    },

    update,

    setAvailability(id: string, available: boolean, recordChange: (tx: Transaction, update: AdvisorUpdate) => Promise<void>): Promise<AdvisorUpdateResult> {
      return update(id, { available }, recordChange);
    },

    /** `programs` already checked against the catalogue; empty = every program. */
    setPrograms(id: string, programs: string[], recordChange: (tx: Transaction, update: AdvisorUpdate) => Promise<void>): Promise<AdvisorUpdateResult> {
      return update(id, { programs }, recordChange);
    },
  };
}

export type AdvisorRepository = ReturnType<typeof createAdvisorRepository>;
