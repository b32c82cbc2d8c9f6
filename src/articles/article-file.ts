import matter from 'gray-matter';
import { z } from 'zod';
import { cliErrors } from '../platform/errors';
import type { Article } from './article-repository';

/**
 * An article file is Markdown with YAML front matter; see prisma/seed/articles
 * for examples. A bad file is refused with the file's name and what is wrong,
 * for the person running `articles:import`.
 */
const frontMatter = z.object({
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase words joined by dashes, like paying-for-college'),
  title: z.string().trim().min(1).max(200),
  author: z.string().trim().min(1).max(120),
  category: z.string().trim().min(1).max(60),
  publishedAt: z.coerce.date({ error: 'must be a date, like 2026-10-14T13:00:00Z' }),
  summary: z.string().trim().min(1).max(400),
});

export function parseArticleFile(text: string, source = 'article'): Article {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text);
  } catch (error) {
    throw cliErrors.invalidArticleFile(source, `front matter is not valid YAML (${(error as Error).message})`);
  }
  const result = frontMatter.safeParse(parsed.data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw cliErrors.invalidArticleFile(source, `front matter "${issue.path.join('.') || 'fields'}" ${issue.message}`);
  }
  const body = parsed.content.trim();
  if (!body) throw cliErrors.invalidArticleFile(source, 'the article has no body below its front matter');
  return { ...result.data, body };
}
