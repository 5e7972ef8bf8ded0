import { BINARY_OPS, ExpressionError, type BinaryOp, type Node } from './ast.ts';
import { CONSTANTS, FUNCTIONS } from './functions.ts';

const MAX_LENGTH = 2000;
const MAX_DEPTH = 64;

interface Token {
  kind: 'number' | 'name' | 'op' | 'end';
  text: string;
  at: number;
}

/** Every operator token, longest first so that `<=` is not read as `<` then `=`. */
const OPERATORS = [...BINARY_OPS, '**', '!', '(', ')', ','].sort((a, b) => b.length - a.length);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (!op) throw new ExpressionError(`unexpected "${c}" at column ${String(i + 1)}`);
    tokens.push({ kind: 'op', text: op === '**' ? '^' : op, at: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: 'the end', at: source.length });
  return tokens;
}

/** Binary operators by precedence, loosest first; `^` binds tightest and to the right. */
const LEVELS: BinaryOp[][] = [
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

/**
 * Parses a band-math expression: numbers, band names, + - * / % ^ (or **), comparisons, && || !,
 * parentheses and the functions in FUNCTIONS. A recursive-descent parser: nothing is evaluated
 * as code.
 */
export function parseExpression(source: string): Node {
  if (source.length > MAX_LENGTH)
    throw new ExpressionError(`an expression is at most ${String(MAX_LENGTH)} characters`);
  const tokens = tokenize(source);
  // Reading past the end token reads it again.
  const end: Token = { kind: 'end', text: 'the end', at: source.length };
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? end;
  const next = (): Token => tokens[pos++] ?? end;
  const expect = (text: string): void => {
    const token = next();
    if (token.text !== text)
      throw new ExpressionError(
        `expected "${text}" at column ${String(token.at + 1)}, found ${describe(token)}`,
      );
  };

  const binary = (level: number, depth: number): Node => {
    if (depth > MAX_DEPTH) throw new ExpressionError('the expression nests too deeply');
    if (level === LEVELS.length) return power(depth);
    let left = binary(level + 1, depth + 1);
    while (peek().kind === 'op' && (LEVELS[level] as string[]).includes(peek().text)) {
      const op = next().text as BinaryOp;
      left = { kind: 'binary', op, left, right: binary(level + 1, depth + 1) };
    }
    return left;
  };

  const power = (depth: number): Node => {
    const base = unary(depth + 1);
    if (peek().text !== '^') return base;
    next();
    return { kind: 'binary', op: '^', left: base, right: power(depth + 1) };
  };

  const unary = (depth: number): Node => {
    if (depth > MAX_DEPTH) throw new ExpressionError('the expression nests too deeply');
    const token = peek();
    if (token.kind === 'op' && (token.text === '-' || token.text === '+' || token.text === '!')) {
      next();
      return { kind: 'unary', op: token.text, arg: unary(depth + 1) };
    }
    return primary(depth + 1);
  };

  const primary = (depth: number): Node => {
    const token = next();
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.text === '(') {
      const inner = binary(0, depth + 1);
      expect(')');
      return inner;
    }
    if (token.kind === 'name') {
      if (peek().text === '(') return call(token, depth);
      const constant = CONSTANTS.get(token.text);
      return constant === undefined
        ? { kind: 'band', name: token.text }
        : { kind: 'number', value: constant };
    }
    throw new ExpressionError(`unexpected ${describe(token)} at column ${String(token.at + 1)}`);
  };

  const call = (name: Token, depth: number): Node => {
    const fn = FUNCTIONS.get(name.text);
    if (!fn)
      throw new ExpressionError(
        `unknown function "${name.text}" at column ${String(name.at + 1)}; known: ${[...FUNCTIONS.keys()].join(', ')}`,
      );
    expect('(');
    const args: Node[] = [];
    if (peek().text !== ')') {
      args.push(binary(0, depth + 1));
      while (peek().text === ',') {
        next();
        args.push(binary(0, depth + 1));
      }
    }
    expect(')');
    if (args.length < fn.min || args.length > fn.max) {
      const arity = fn.min === fn.max ? String(fn.min) : `${String(fn.min)} to ${String(fn.max)}`;
      throw new ExpressionError(
        `${name.text} takes ${arity} arguments, not ${String(args.length)}`,
      );
    }
    return { kind: 'call', name: name.text, args };
  };

  const tree = binary(0, 0);
  if (peek().kind !== 'end')
    throw new ExpressionError(`unexpected ${describe(peek())} at column ${String(peek().at + 1)}`);
  return tree;
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the expression' : `"${token.text}"`;
}
