/**
 * A small builder for the Atlassian Document Format (ADF), the rich text
 * Jira Cloud's REST API v3 takes for descriptions and comments.
 *
 * Only the nodes this client needs are covered: paragraphs, headings, bullet
 * and ordered lists, code blocks, rules, and text with links and marks.
 */

/** A mark on a text node. */
export type AdfMark =
  | { type: 'strong' }
  | { type: 'em' }
  | { type: 'code' }
  | { type: 'link'; attrs: { href: string } };

/** An inline ADF node. */
export type AdfInline =
  | { type: 'text'; text: string; marks?: AdfMark[] }
  | { type: 'hardBreak' };

/** A block ADF node. */
export type AdfBlock =
  | { type: 'paragraph'; content: AdfInline[] }
  | { type: 'heading'; attrs: { level: number }; content: AdfInline[] }
  | { type: 'bulletList'; content: AdfListItem[] }
  | { type: 'orderedList'; content: AdfListItem[] }
  | {
      type: 'codeBlock';
      attrs?: { language?: string };
      content: { type: 'text'; text: string }[];
    }
  | { type: 'rule' };

/** A list item of a bullet or ordered list. */
export type AdfListItem = { type: 'listItem'; content: AdfBlock[] };

/** An ADF document: the value of a v3 `description` or comment `body`. */
export type AdfDocument = { type: 'doc'; version: 1; content: AdfBlock[] };

/** Text for a description or comment: plain text, or an ADF document. */
export type JiraText = string | AdfDocument;

type InlineInput = string | AdfInline;

function inline(parts: InlineInput[]): AdfInline[] {
  return parts
    .map(p => (typeof p === 'string' ? { type: 'text' as const, text: p } : p))
    .filter(p => p.type !== 'text' || p.text.length > 0);
}

/** Builders for ADF nodes. */
export const adf = {
  doc(...content: AdfBlock[]): AdfDocument {
    return { type: 'doc', version: 1, content };
  },
  paragraph(...content: InlineInput[]): AdfBlock {
    return { type: 'paragraph', content: inline(content) };
  },
  heading(level: 1 | 2 | 3 | 4 | 5 | 6, ...content: InlineInput[]): AdfBlock {
    return { type: 'heading', attrs: { level }, content: inline(content) };
  },
  text(text: string, ...marks: AdfMark[]): AdfInline {
    return marks.length
      ? { type: 'text', text, marks }
      : { type: 'text', text };
  },
  strong(text: string): AdfInline {
    return { type: 'text', text, marks: [{ type: 'strong' }] };
  },
  code(text: string): AdfInline {
    return { type: 'text', text, marks: [{ type: 'code' }] };
  },
  link(text: string, href: string): AdfInline {
    return { type: 'text', text, marks: [{ type: 'link', attrs: { href } }] };
  },
  bulletList(...items: (InlineInput | AdfBlock[])[]): AdfBlock {
    return { type: 'bulletList', content: items.map(listItem) };
  },
  orderedList(...items: (InlineInput | AdfBlock[])[]): AdfBlock {
    return { type: 'orderedList', content: items.map(listItem) };
  },
  codeBlock(text: string, language?: string): AdfBlock {
    return {
      type: 'codeBlock',
      ...(language ? { attrs: { language } } : {}),
      content: text ? [{ type: 'text', text }] : [],
    };
  },
  rule(): AdfBlock {
    return { type: 'rule' };
  },
};

function listItem(item: InlineInput | AdfBlock[]): AdfListItem {
  return {
    type: 'listItem',
    content: Array.isArray(item) ? item : [adf.paragraph(item)],
  };
}

/**
 * Plain text as an ADF document: one paragraph per block of text separated
 * by a blank line, single line breaks kept as hard breaks.
 */
export function textToAdf(text: string): AdfDocument {
  const paragraphs = text
    .split(/\r?\n\s*\r?\n/)
    .map(p => p.replace(/^\s+|\s+$/g, ''))
    .filter(Boolean);
  return adf.doc(
    ...paragraphs.map(p => {
      const lines = p.split(/\r?\n/);
      const content: AdfInline[] = [];
      lines.forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line) content.push({ type: 'text', text: line });
      });
      return { type: 'paragraph' as const, content };
    }),
  );
}

function inlineToText(nodes: AdfInline[]): string {
  return nodes
    .map(n => {
      if (n.type === 'hardBreak') return '\n';
      const link = n.marks?.find(m => m.type === 'link');
      return link && link.type === 'link' && link.attrs.href !== n.text
        ? `${n.text} (${link.attrs.href})`
        : n.text;
    })
    .join('');
}

function blockToText(block: AdfBlock, indent = ''): string {
  switch (block.type) {
    case 'paragraph':
    case 'heading':
      return indent + inlineToText(block.content);
    case 'bulletList':
    case 'orderedList':
      return block.content
        .map((item, i) => {
          const bullet = block.type === 'bulletList' ? '* ' : `${i + 1}. `;
          const [first, ...rest] = item.content.map(b =>
            blockToText(b, `${indent}  `),
          );
          return [`${indent}${bullet}${(first ?? '').trimStart()}`, ...rest]
            .filter(Boolean)
            .join('\n');
        })
        .join('\n');
    case 'codeBlock':
      return block.content.map(t => t.text).join('');
    case 'rule':
      return `${indent}----`;
    default:
      return '';
  }
}

/**
 * An ADF document as plain text (for Jira Data Center, whose REST API v2
 * takes descriptions and comments as text): blocks separated by blank lines,
 * list items as `* ` lines, links as `text (url)`.
 */
export function adfToText(doc: AdfDocument): string {
  return doc.content.map(b => blockToText(b)).join('\n\n');
}

function describeNode(node: unknown, path: string): string | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) {
    return `${path} is not an ADF node`;
  }
  const n = node as Record<string, unknown>;
  if (typeof n.type !== 'string' || !n.type) {
    return `${path} has no type`;
  }
  if (n.type === 'text') {
    if (typeof n.text !== 'string' || n.text.length === 0) {
      return `${path} is a text node without text`;
    }
    return undefined;
  }
  if (n.content === undefined) return undefined;
  if (!Array.isArray(n.content)) return `${path}.content is not an array`;
  for (let i = 0; i < n.content.length; i++) {
    const problem = describeNode(n.content[i], `${path}.content[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * What makes a value not an ADF document, or undefined when it is one. A
 * minimal structural check (document root, version 1, typed nodes, text
 * nodes with text), the same Jira Cloud rejects with "Operation value must be
 * an Atlassian Document".
 */
export function describeInvalidAdf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return 'value is not an ADF document (an object with type "doc")';
  }
  const doc = value as Record<string, unknown>;
  if (doc.type !== 'doc') return 'the root node must have type "doc"';
  if (doc.version !== 1) return 'the document must have version 1';
  if (!Array.isArray(doc.content)) return 'the document has no content array';
  return describeNode({ type: 'doc', content: doc.content }, 'doc');
}
