import type { Database } from '../platform/database';

export interface Program {
  code: string;
  name: string;
  level: string;
  active: boolean;
}

export function createProgramRepository(db: Database) {
  return {
    /** Programs a person can ask about, for the form's select. */
    async listActive(): Promise<Program[]> {
      return db.program.findMany({ where: { active: true }, orderBy: [{ name: 'asc' }, { level: 'asc' }] });
    },

    /** Every program, active first, for staff filters. */
    async listAll(): Promise<Program[]> {
      return db.program.findMany({ orderBy: [{ active: 'desc' }, { name: 'asc' }, { level: 'asc' }] });
    },

    async upsert(program: Program): Promise<void> {
      await db.program.upsert({ where: { code: program.code }, create: program, update: program });
    },

    async count(): Promise<number> {
      return db.program.count();
    },
  };
}

export type ProgramRepository = ReturnType<typeof createProgramRepository>;
