import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Raw HTML in Markdown is switched off at the parser *and* the output is
// sanitised: an article body is content, never a way to put script on a page.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: true });

const allowed: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2', 'h3', 'h4', 'p', 'br', 'hr', 'blockquote', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre',
    'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'abbr', 'sup', 'sub', 'del',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], th: ['align', 'scope'], td: ['align'], abbr: ['title'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  transformTags: {
    // An article's own h1 would compete with the page title.
    h1: 'h2',
    a: (tagName, attribs) => {
      const external = /^https?:/i.test(attribs.href ?? '');
      return { tagName, attribs: external ? { ...attribs, rel: 'noopener noreferrer' } : attribs };
    },
  },
};

export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), allowed);
}
