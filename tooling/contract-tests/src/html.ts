// Just enough HTML reading for the contract's page checks: find start tags and their
// attributes (any order, any quoting). Not a general parser, and it does not need to be:
// the suite asserts on tags it expects to find, and a failed match fails the test.

export interface Tag {
  name: string;
  attrs: Record<string, string>;
  /** The start tag as written. */
  raw: string;
  /** Offset of the tag in the document. */
  index: number;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** Decodes the character references an HTML escaper produces. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X'
          ? Number.parseInt(ref.slice(2), 16)
          : Number.parseInt(ref.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

export function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const match of source.matchAll(pattern)) {
    const name = (match[1] ?? '').toLowerCase();
    if (!name || name in attrs) continue;
    attrs[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attrs;
}

/** Every start tag `<name ...>` in `html` (case-insensitive), with its attributes. */
export function findTags(html: string, name: string): Tag[] {
  const pattern = new RegExp(`<${name}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'gi');
  const tags: Tag[] = [];
  for (const match of html.matchAll(pattern)) {
    tags.push({
      name: name.toLowerCase(),
      attrs: parseAttributes(match[1] ?? ''),
      raw: match[0],
      index: match.index ?? 0,
    });
  }
  return tags;
}
