import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createArticleRepository, parseArticleFile } from '../articles';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { createProgramRepository } from '../programs';

export const SEED_DIR = path.resolve(__dirname, '../../prisma/seed');

const programList = z.array(z.object({ code: z.string().min(1), name: z.string().min(1), level: z.string().min(1), active: z.boolean() }));

/**
 * Sample content for a first start: the sample articles and programs go into
 * an empty database only, so an operator's own content is never overwritten.
 */
export async function seedIfEmpty(db: Database, logger?: Logger, seedDir = SEED_DIR): Promise<boolean> {
  const articles = createArticleRepository(db);
  const programs = createProgramRepository(db);
  if ((await articles.count()) > 0 || (await programs.count()) > 0) return false;

  const programFile = path.join(seedDir, 'programs.json');
  for (const program of programList.parse(JSON.parse(readFileSync(programFile, 'utf8')))) await programs.upsert(program);

  const articleDir = path.join(seedDir, 'articles');
  const files = readdirSync(articleDir).filter((name) => name.endsWith('.md')).sort();
  for (const file of files) {
    await articles.upsert(parseArticleFile(readFileSync(path.join(articleDir, file), 'utf8'), file));
  }
  logger?.info({ event: 'database.seeded', articles: files.length });
  return true;
}
