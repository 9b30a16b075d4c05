// What two answers mean, where apps legitimately write the same thing differently: an HTML
// page rendered by a template string and the same page rendered by React (Next.js), and a
// Content-Security-Policy with a per-response nonce. The differential compares these
// readings, for every app alike; everything else it compares as sent.
import { type DefaultTreeAdapterTypes, parse } from 'parse5';

type Node = DefaultTreeAdapterTypes.ChildNode | DefaultTreeAdapterTypes.Document;

/** Hints and runtime a browser needs no more of to show the page: not its meaning. */
function isRuntimeOnly(node: DefaultTreeAdapterTypes.Element): boolean {
  const attr = (name: string) => node.attrs.find((a) => a.name === name)?.value;
  if (node.tagName === 'script' || node.tagName === 'template') return true;
  if (
    node.tagName === 'link' &&
    /^(?:preload|modulepreload|prefetch|preconnect|dns-prefetch)$/i.test(attr('rel') ?? '')
  ) {
    return true;
  }
  // Not rendered (React's and Next's placeholders for streamed content).
  return attr('hidden') !== undefined;
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * An HTML document as lines that say what it shows, one per element and text, in document
 * order and indented by depth (`<li>` items each on their own line):
 * - what the HTML parser reads (the HTML standard's, parse5): tag and attribute names in
 *   lower case, entities decoded, `<x/>` and `<x>` alike, boolean attributes as ``;
 * - attributes sorted by name; text with its whitespace collapsed, adjacent texts joined
 *   (React separates them with comments), whitespace-only text between tags dropped;
 * - without comments, scripts, templates, resource hints (`preload`, ...), and elements
 *   that are not rendered (`hidden`): the framework's runtime, not the page's content;
 * - the head's elements sorted (their order carries no meaning there; a page's styles are
 *   one stylesheet).
 * A page rendered by a template string and the same page rendered by React read alike.
 */
export function htmlMeaning(html: string): string {
  const document = parse(html);
  /** One block of lines per child element or text run of `node`. */
  const walk = (node: Node, depth: number): string[][] => {
    const children = 'childNodes' in node ? node.childNodes : [];
    const blocks: string[][] = [];
    let text = '';
    const flush = () => {
      const value = collapse(text);
      if (value) blocks.push([`${'  '.repeat(depth)}${JSON.stringify(value)}`]);
      text = '';
    };
    for (const child of children) {
      if (child.nodeName === '#text') {
        text += (child as DefaultTreeAdapterTypes.TextNode).value;
        continue;
      }
      if (child.nodeName === '#comment' || child.nodeName === '#documentType') continue;
      const element = child as DefaultTreeAdapterTypes.Element;
      if (isRuntimeOnly(element)) continue;
      flush();
      const attrs = [...element.attrs]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((a) => ` ${a.name}="${a.value}"`)
        .join('');
      const inner = walk(element, depth + 1);
      if (element.tagName === 'head')
        inner.sort((a, b) => a.join('\n').localeCompare(b.join('\n')));
      blocks.push([`${'  '.repeat(depth)}<${element.tagName}${attrs}>`, ...inner.flat()]);
    }
    flush();
    return blocks;
  };
  const doctype = document.childNodes.find((n) => n.nodeName === '#documentType') as
    | DefaultTreeAdapterTypes.DocumentType
    | undefined;
  return [...(doctype ? [`<!doctype ${doctype.name}>`] : []), ...walk(document, 0).flat()].join(
    '\n',
  );
}

/**
 * A Content-Security-Policy as what it allows: `'nonce-...'` sources removed (a fresh
 * per-response nonce allows only the scripts the server itself wrote into that response,
 * nothing an attacker could inject), then every fetch directive whose sources are now
 * those of `default-src` dropped (it only restates the default). Directive order and
 * spacing stay as sent.
 */
export function cspMeaning(policy: string): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter((d) => d[0])
    .map(
      ([name = '', ...sources]) =>
        [name.toLowerCase(), sources.filter((s) => !/^'nonce-[^']*'$/i.test(s))] as const,
    );
  const fallback = directives.find(([name]) => name === 'default-src')?.[1].join(' ');
  return directives
    .filter(
      ([name, sources]) =>
        name === 'default-src' || !name.endsWith('-src') || sources.join(' ') !== fallback,
    )
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}
