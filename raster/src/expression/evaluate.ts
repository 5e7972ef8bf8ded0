import { FUNCTIONS, type BinaryOp, type ExpressionNode as Node } from '@harita/contracts';

/** Pixels evaluated at a time: each node of the tree keeps one buffer of this many values. */
export const CHUNK = 16384;

/** Writes the node's values for `n` pixels into its own buffer and returns it. */
type Step = (n: number) => Float64Array;

/**
 * Compiles a parsed expression into array operations over chunks of pixels, the way numpy runs
 * `gdal_calc.py` expressions: no per-pixel tree walk and nothing evaluated as code.
 */
export function compile(node: Node, bands: ReadonlyMap<string, Float64Array>): Step {
  switch (node.kind) {
    case 'number': {
      const out = new Float64Array(CHUNK).fill(node.value);
      return () => out;
    }
    case 'band': {
      const values = bands.get(node.name);
      if (!values) throw new Error(`band "${node.name}" has no values`);
      return () => values;
    }
    case 'unary': {
      const arg = compile(node.arg, bands);
      const out = new Float64Array(CHUNK);
      const op = node.op;
      return (n) => {
        const a = arg(n);
        if (op === '-') for (let i = 0; i < n; i++) out[i] = -a[i]!;
        else if (op === '+') out.set(a.subarray(0, n));
        else for (let i = 0; i < n; i++) out[i] = a[i] === 0 ? 1 : 0;
        return out;
      };
    }
    case 'binary': {
      const left = compile(node.left, bands);
      const right = compile(node.right, bands);
      const out = new Float64Array(CHUNK);
      const apply = BINARY[node.op];
      return (n) => {
        apply(left(n), right(n), out, n);
        return out;
      };
    }
    case 'call': {
      const fn = FUNCTIONS.get(node.name)!;
      const args = node.args.map((arg) => compile(arg, bands));
      const out = new Float64Array(CHUNK);
      const values = new Array<number>(args.length);
      return (n) => {
        const inputs = args.map((arg) => arg(n));
        for (let i = 0; i < n; i++) {
          for (let a = 0; a < inputs.length; a++) values[a] = inputs[a]![i]!;
          out[i] = fn.apply(values);
        }
        return out;
      };
    }
  }
}

type Binary = (a: Float64Array, b: Float64Array, out: Float64Array, n: number) => void;

const BINARY: Record<BinaryOp, Binary> = {
  '+': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! + b[i]!;
  },
  '-': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! - b[i]!;
  },
  '*': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! * b[i]!;
  },
  '/': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! / b[i]!;
  },
  '%': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! % b[i]!;
  },
  '^': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! ** b[i]!;
  },
  '<': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! < b[i]! ? 1 : 0;
  },
  '<=': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! <= b[i]! ? 1 : 0;
  },
  '>': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! > b[i]! ? 1 : 0;
  },
  '>=': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i]! >= b[i]! ? 1 : 0;
  },
  '==': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i] === b[i] ? 1 : 0;
  },
  '!=': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i] !== b[i] ? 1 : 0;
  },
  '&&': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i] !== 0 && b[i] !== 0 ? 1 : 0;
  },
  '||': (a, b, o, n) => {
    for (let i = 0; i < n; i++) o[i] = a[i] !== 0 || b[i] !== 0 ? 1 : 0;
  },
};
