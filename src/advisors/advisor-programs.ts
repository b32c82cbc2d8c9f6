/**
 * Which programs an advisor takes leads for, as people write it: program
 * codes separated by commas, or `all`. Stored as a list of codes where the
 * empty list means every program, so a program added later reaches the
 * advisors who advise on everything without anyone editing them.
 */
export const EVERY_PROGRAM = 'all';

export type ProgramListParse = { ok: true; codes: string[] } | { ok: false; problem: string };

/** `CODE,CODE` or `all` → the codes (empty for all), trimmed and without repeats; not yet checked against the catalogue. */
export function parseProgramList(text: string): ProgramListParse {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === EVERY_PROGRAM) return { ok: true, codes: [] };
  const codes = trimmed.split(',').map((code) => code.trim());
  if (trimmed === '' || codes.some((code) => code === '')) {
    return { ok: false, problem: `give program codes separated by commas (such as HCA-BS,NUR-BSN), or ${EVERY_PROGRAM}` };
  }
  return { ok: true, codes: [...new Set(codes)] };
}

export type ProgramCheck = { ok: true; codes: string[] } | { ok: false; unknown: string[] };

/**
 * Checks codes against the programs that exist, ignoring case, and returns
 * them spelt as the catalogue spells them, in the catalogue's order.
 */
export function checkProgramCodes(codes: readonly string[], known: readonly string[]): ProgramCheck {
  const byKey = new Map(known.map((code) => [code.toUpperCase(), code]));
  const unknown = codes.filter((code) => !byKey.has(code.toUpperCase()));
  if (unknown.length > 0) return { ok: false, unknown };
  const wanted = new Set(codes.map((code) => code.toUpperCase()));
  return { ok: true, codes: known.filter((code) => wanted.has(code.toUpperCase())) };
}

/** The CLI's notation for a stored list, used in messages and audit details (which carry no personal data). */
export function describePrograms(codes: readonly string[]): string {
  return codes.length === 0 ? EVERY_PROGRAM : codes.join(',');
}
