export {
  BINARY_OPS,
  bandNames,
  ExpressionError,
  type BinaryOp,
  type Node as ExpressionNode,
} from './ast.ts';
export { parseBandMath, type BandMath } from './band-math.ts';
export { CONSTANTS, FUNCTIONS, type MathFunction } from './functions.ts';
export { parseExpression } from './parse.ts';
