import type { ErrorCode } from '../job.ts';

/** A parsed band-math expression. */
export type Node =
  | { kind: 'number'; value: number }
  | { kind: 'band'; name: string }
  | { kind: 'unary'; op: '-' | '+' | '!'; arg: Node }
  | { kind: 'binary'; op: BinaryOp; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] };

export const BINARY_OPS = [
  '||',
  '&&',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/**
 * A band-math expression that does not parse, or reads bands it does not name. Its `job` is the
 * code and permanence a job that fails on it reports (the worker maps engine errors by it).
 */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
  static readonly job: { readonly code: ErrorCode; readonly permanent: boolean } = {
    code: 'invalid_params',
    permanent: true,
  };
}

/** The band names an expression reads. */
export function bandNames(node: Node, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'band':
      into.add(node.name);
      break;
    case 'unary':
      bandNames(node.arg, into);
      break;
    case 'binary':
      bandNames(node.left, into);
      bandNames(node.right, into);
      break;
    case 'call':
      for (const arg of node.args) bandNames(arg, into);
      break;
    case 'number':
      break;
  }
  return into;
}
