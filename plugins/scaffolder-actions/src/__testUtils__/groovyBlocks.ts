/** A `name(args) { ... }` block of a Groovy DSL script, with what it holds. */
export type GroovyBlock = {
  name: string;
  args: string;
  blocks: GroovyBlock[];
  /** Statements directly inside the block, one per line, trimmed. */
  statements: string[];
};

/**
 * Reads the block structure of a Jenkinsfile: strings (single, double and
 * triple quoted, with escapes) and comments are skipped, every brace and
 * parenthesis must be balanced and every string closed, or it throws with
 * the line. Enough to check a declarative pipeline's shape.
 */
export function parseGroovyBlocks(source: string): GroovyBlock {
  const root: GroovyBlock = {
    name: '<root>',
    args: '',
    blocks: [],
    statements: [],
  };
  const stack: GroovyBlock[] = [root];
  let line = 1;
  let text = ''; // code of the current statement, strings kept as-is
  let parens = 0;
  const fail = (message: string): never => {
    throw new Error(`Jenkinsfile line ${line}: ${message}`);
  };
  const flush = () => {
    const statement = text.trim();
    if (statement) stack[stack.length - 1].statements.push(statement);
    text = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\n') line++;
    if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      line++;
      if (parens === 0) flush();
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) fail('unclosed comment');
      line += source.slice(i, end).split('\n').length - 1;
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      const triple = source.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      for (; j < source.length; j++) {
        if (source[j] === '\\') j++;
        else if (source.startsWith(quote, j)) break;
        else if (!triple && source[j] === '\n')
          fail('string not closed on its line');
      }
      if (j >= source.length) fail('unclosed string');
      text += source.slice(i, j + quote.length);
      line += source.slice(i, j).split('\n').length - 1;
      i = j + quote.length - 1;
      continue;
    }
    if (c === '(') parens++;
    if (c === ')' && --parens < 0) fail("unbalanced ')'");
    if (c === '{' && parens === 0) {
      const header = text.trim();
      const m = header.match(/^([A-Za-z_][\w.]*)\s*(?:\((.*)\))?$/s);
      if (!m) fail(`a block needs a name, got ${JSON.stringify(header)}`);
      const block: GroovyBlock = {
        name: m![1],
        args: m![2] ?? '',
        blocks: [],
        statements: [],
      };
      stack[stack.length - 1].blocks.push(block);
      stack.push(block);
      text = '';
      continue;
    }
    if (c === '}' && parens === 0) {
      flush();
      if (stack.length === 1) fail("unbalanced '}'");
      stack.pop();
      continue;
    }
    if (c === '\n' && parens === 0) {
      flush();
      continue;
    }
    text += c;
  }
  flush();
  if (parens !== 0) fail('unclosed parenthesis');
  if (stack.length !== 1)
    fail(`unclosed block ${stack[stack.length - 1].name}`);
  return root;
}

/** The child blocks called `name`. */
export function blocksNamed(block: GroovyBlock, name: string): GroovyBlock[] {
  return block.blocks.filter(b => b.name === name);
}
