/** Text and attribute values inside SVG markup: the five XML specials escaped, so a label can never become markup. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ENTITIES[character]!);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Coordinates with at most two decimals: shorter markup, and stable output for tests. */
export function coordinate(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A round axis maximum at or above `max` (1, 2, 5 × 10ⁿ steps), so gridlines fall on readable numbers. */
export function niceCeiling(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 1 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!;
  const wholeStep = Math.max(1, step);
  return { top: Math.ceil(max / wholeStep) * wholeStep, step: wholeStep };
}
