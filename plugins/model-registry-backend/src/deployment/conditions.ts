/**
 * Success and failure conditions of guardrails, in the spirit of Argo
 * Rollouts' analysis: a boolean expression over `result`, the values the
 * guardrail's query returned. A small, closed grammar (no code is evaluated):
 *
 * ```
 * expr    := or
 * or      := and ('||' and)*
 * and     := unary ('&&' unary)*
 * unary   := '!' unary | compare
 * compare := value (('<' | '<=' | '>' | '>=' | '==' | '!=') value)?
 * value   := number | 'true' | 'false' | 'result' ('[' digits ']')?
 *          | 'len(result)' | '(' expr ')'
 * ```
 *
 * `result` alone is the first value, `result[i]` the i-th, `len(result)`
 * how many there are. A condition that reads a value the query did not
 * return cannot be decided: evaluating it returns undefined.
 */

type Node =
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'result'; index: number }
  | { type: 'len' }
  | { type: 'not'; operand: Node }
  | { type: 'logical'; op: '&&' | '||'; left: Node; right: Node }
  | { type: 'compare'; op: CompareOp; left: Node; right: Node };

type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(len\s*\(\s*result\s*\))|(result|true|false)|(<=|>=|==|!=|&&|\|\||[<>!()[\]-]))/y;

/** A parsed condition, ready to evaluate against query results. */
export interface Condition {
  source: string;
  /** True or false, or undefined when it reads a value that is missing. */
  evaluate(result: number[]): boolean | undefined;
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  while (position < source.length) {
    if (source.slice(position).trim() === '') break;
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(source);
    if (!match) {
      throw new Error(
        `unexpected "${source
          .slice(position)
          .trim()
          .slice(0, 20)}" at position ${position}`,
      );
    }
    tokens.push(
      match
        .slice(1)
        .find(t => t !== undefined)!
        .replace(/\s+/g, ''),
    );
    position = TOKEN.lastIndex;
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): Node {
    if (this.tokens.length === 0) throw new Error('the condition is empty');
    const node = this.or();
    if (this.position < this.tokens.length) {
      throw new Error(`unexpected "${this.tokens[this.position]}"`);
    }
    return node;
  }

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  private next(): string {
    const token = this.tokens[this.position++];
    if (token === undefined) throw new Error('the condition ends too early');
    return token;
  }

  private expect(token: string): void {
    const found = this.next();
    if (found !== token)
      throw new Error(`expected "${token}", found "${found}"`);
  }

  private or(): Node {
    let left = this.and();
    while (this.peek() === '||') {
      this.next();
      left = { type: 'logical', op: '||', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.peek() === '&&') {
      this.next();
      left = { type: 'logical', op: '&&', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.peek() === '!') {
      this.next();
      return { type: 'not', operand: this.unary() };
    }
    return this.compare();
  }

  private compare(): Node {
    const left = this.value();
    const op = this.peek();
    if (
      op === '<' ||
      op === '<=' ||
      op === '>' ||
      op === '>=' ||
      op === '==' ||
      op === '!='
    ) {
      this.next();
      return { type: 'compare', op, left, right: this.value() };
    }
    return left;
  }

  private value(): Node {
    const token = this.next();
    if (token === '(') {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token === '-') {
      const number = this.next();
      if (!/^\d/.test(number)) throw new Error(`expected a number after "-"`);
      return { type: 'number', value: -Number(number) };
    }
    if (/^\d/.test(token)) return { type: 'number', value: Number(token) };
    if (token === 'true' || token === 'false') {
      return { type: 'boolean', value: token === 'true' };
    }
    if (token.startsWith('len')) return { type: 'len' };
    if (token === 'result') {
      if (this.peek() !== '[') return { type: 'result', index: 0 };
      this.next();
      const index = this.next();
      if (!/^\d+$/.test(index)) {
        throw new Error(`expected an index after "result[", found "${index}"`);
      }
      this.expect(']');
      return { type: 'result', index: Number(index) };
    }
    throw new Error(`unexpected "${token}"`);
  }
}

type Value = number | boolean | undefined;

function evaluateNode(node: Node, result: number[]): Value {
  switch (node.type) {
    case 'number':
    case 'boolean':
      return node.value;
    case 'result':
      return result[node.index];
    case 'len':
      return result.length;
    case 'not': {
      const operand = evaluateNode(node.operand, result);
      return operand === undefined ? undefined : !truthy(operand);
    }
    case 'logical': {
      const left = evaluateNode(node.left, result);
      const right = evaluateNode(node.right, result);
      if (node.op === '&&') {
        if (left === false || right === false) return false;
        return left === undefined || right === undefined
          ? undefined
          : truthy(left) && truthy(right);
      }
      if (left === true || right === true) return true;
      return left === undefined || right === undefined
        ? undefined
        : truthy(left) || truthy(right);
    }
    case 'compare': {
      const left = evaluateNode(node.left, result);
      const right = evaluateNode(node.right, result);
      if (left === undefined || right === undefined) return undefined;
      const [a, b] = [Number(left), Number(right)];
      switch (node.op) {
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
        case '==':
          return a === b;
        default:
          return a !== b;
      }
    }
    default:
      return undefined;
  }
}

function truthy(value: number | boolean): boolean {
  return typeof value === 'boolean' ? value : value !== 0;
}

/** Parses a condition; throws an error naming what is wrong. */
export function parseCondition(source: string): Condition {
  if (source.length > 500) throw new Error('longer than 500 characters');
  const root = new Parser(tokenize(source)).parse();
  return {
    source,
    evaluate: result => {
      const value = evaluateNode(root, result);
      return value === undefined ? undefined : truthy(value);
    },
  };
}
