/** The functions band-math expressions may call, by name, with their arity. */
export interface MathFunction {
  min: number;
  max: number;
  /** Combines one value of each argument. */
  apply: (args: number[]) => number;
}

const unary = (f: (x: number) => number): MathFunction => ({
  min: 1,
  max: 1,
  apply: (a) => f(a[0] ?? NaN),
});

export const FUNCTIONS: ReadonlyMap<string, MathFunction> = new Map<string, MathFunction>([
  ['abs', unary(Math.abs)],
  ['sqrt', unary(Math.sqrt)],
  ['exp', unary(Math.exp)],
  ['log', unary(Math.log)],
  ['log10', unary(Math.log10)],
  ['sin', unary(Math.sin)],
  ['cos', unary(Math.cos)],
  ['tan', unary(Math.tan)],
  ['atan', unary(Math.atan)],
  ['floor', unary(Math.floor)],
  ['ceil', unary(Math.ceil)],
  ['round', unary(Math.round)],
  ['min', { min: 2, max: 16, apply: (a) => Math.min(...a) }],
  ['max', { min: 2, max: 16, apply: (a) => Math.max(...a) }],
  [
    'clamp',
    { min: 3, max: 3, apply: ([x = NaN, lo = NaN, hi = NaN]) => Math.min(Math.max(x, lo), hi) },
  ],
  [
    'where',
    { min: 3, max: 3, apply: ([c = NaN, a = NaN, b = NaN]) => (c !== 0 && c === c ? a : b) },
  ],
]);

export const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);
