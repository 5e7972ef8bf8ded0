import { bandNames, ExpressionError, type Node } from './ast.ts';
import { parseExpression } from './parse.ts';

/** A band-math expression parsed, and the band names it reads, in the order it first reads them. */
export interface BandMath {
  tree: Node;
  used: string[];
}

/**
 * Parses a band-math expression and checks that every band it reads is one of `named` (the job's
 * `bands`): what the API checks at submission and the engine again before reading a pixel.
 * @throws ExpressionError when it does not parse or reads a band it does not name
 */
export function parseBandMath(expression: string, named: Record<string, number>): BandMath {
  const tree = parseExpression(expression);
  const used = [...bandNames(tree)];
  const unknown = used.filter((name) => !Object.hasOwn(named, name));
  if (unknown.length > 0) {
    const known = Object.keys(named);
    throw new ExpressionError(
      `the expression reads ${unknown.map((n) => `"${n}"`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not named; named bands: ${known.join(', ') || 'none'}`,
    );
  }
  return { tree, used };
}
