import type { DataTypeName, SignatureDef, TensorShape } from '../saved-model/schema.js';
import {
  BAND_COUNT,
  BRIGHTNESS,
  CLASS_BIAS,
  CLASS_COUNT,
  FEATURE_COUNT,
  INDEX_DENOMINATORS,
  INDEX_EPSILON,
  INDEX_NUMERATORS,
  LANDCOVER,
  headFilter,
} from './landcover.js';

/** A node of a TensorFlow graph in protobuf JSON form. */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

/** A constant's values; the graph keeps them, the TF.js export moves them to its weights file. */
export interface ConstantTensor {
  name: string;
  dtype: 'DT_FLOAT' | 'DT_INT32';
  shape: number[];
  values: Float32Array | Int32Array;
}

export interface ModelGraph {
  nodes: GraphNode[];
  constants: ConstantTensor[];
  signatures: Record<string, SignatureDef>;
}

export const INPUT_NAME = 'reflectance';
export const PROBABILITIES = 'probabilities';
export const CLASS_IDS = 'class_ids';
export const CLASS_IDS_SIGNATURE = 'class_ids';
export const PREDICT_METHOD = 'tensorflow/serving/predict';

const FLOAT = { type: 'DT_FLOAT' };
const INT32 = { type: 'DT_INT32' };
const NHWC = { s: Buffer.from('NHWC').toString('base64') };

export function shapeOf(dims: number[]): TensorShape {
  return { dim: dims.map((size) => ({ size: String(size) })) };
}

function constant(tensor: ConstantTensor): GraphNode {
  return {
    name: tensor.name,
    op: 'Const',
    attr: {
      dtype: { type: tensor.dtype },
      value: {
        tensor: {
          dtype: tensor.dtype,
          tensorShape: shapeOf(tensor.shape),
          tensorContent: Buffer.from(
            tensor.values.buffer,
            tensor.values.byteOffset,
            tensor.values.byteLength,
          ).toString('base64'),
        },
      },
    },
  };
}

function conv2d(name: string, input: string, filter: string): GraphNode {
  return {
    name,
    op: 'Conv2D',
    input: [input, filter],
    attr: {
      T: FLOAT,
      strides: { list: { i: ['1', '1', '1', '1'] } },
      dilations: { list: { i: ['1', '1', '1', '1'] } },
      padding: { s: Buffer.from('SAME').toString('base64') },
      data_format: NHWC,
      use_cudnn_on_gpu: { b: true },
      explicit_paddings: { list: {} },
    },
  };
}

function binary(name: string, op: string, a: string, b: string): GraphNode {
  return { name, op, input: [a, b], attr: { T: FLOAT } };
}

function column(rows: readonly (readonly number[])[]): Float32Array {
  return Float32Array.from(rows.flat());
}

/**
 * The demo model's graph: the one definition both exports come from. Weights are constants, so
 * the SavedModel needs no variables and TF Serving restores nothing.
 */
export function landcoverGraph(): ModelGraph {
  const constants: ConstantTensor[] = [
    {
      name: 'features/numerators',
      dtype: 'DT_FLOAT',
      shape: [1, 1, BAND_COUNT, 2],
      values: column(INDEX_NUMERATORS),
    },
    {
      name: 'features/denominators',
      dtype: 'DT_FLOAT',
      shape: [1, 1, BAND_COUNT, 2],
      values: column(INDEX_DENOMINATORS),
    },
    {
      name: 'features/epsilon',
      dtype: 'DT_FLOAT',
      shape: [],
      values: Float32Array.of(INDEX_EPSILON),
    },
    {
      name: 'features/brightness_weights',
      dtype: 'DT_FLOAT',
      shape: [1, 1, BAND_COUNT, 1],
      values: Float32Array.from(BRIGHTNESS),
    },
    { name: 'features/axis', dtype: 'DT_INT32', shape: [], values: Int32Array.of(3) },
    {
      name: 'head/filter',
      dtype: 'DT_FLOAT',
      shape: [3, 3, FEATURE_COUNT, CLASS_COUNT],
      values: headFilter(),
    },
    {
      name: 'head/bias',
      dtype: 'DT_FLOAT',
      shape: [CLASS_COUNT],
      values: Float32Array.from(CLASS_BIAS),
    },
    { name: 'head/class_axis', dtype: 'DT_INT32', shape: [], values: Int32Array.of(3) },
  ];
  const nodes: GraphNode[] = [
    {
      name: INPUT_NAME,
      op: 'Placeholder',
      // Fully convolutional: any chip size runs; the signature states the one it is meant for.
      attr: { dtype: FLOAT, shape: { shape: shapeOf([-1, -1, -1, BAND_COUNT]) } },
    },
    ...constants.map(constant),
    conv2d('features/index_numerators', INPUT_NAME, 'features/numerators'),
    conv2d('features/index_denominators', INPUT_NAME, 'features/denominators'),
    binary(
      'features/safe_denominators',
      'AddV2',
      'features/index_denominators',
      'features/epsilon',
    ),
    binary(
      'features/indices',
      'RealDiv',
      'features/index_numerators',
      'features/safe_denominators',
    ),
    conv2d('features/brightness', INPUT_NAME, 'features/brightness_weights'),
    {
      name: 'features/all',
      op: 'ConcatV2',
      input: ['features/indices', 'features/brightness', 'features/axis'],
      attr: { N: { i: '2' }, T: FLOAT, Tidx: INT32 },
    },
    conv2d('head/convolution', 'features/all', 'head/filter'),
    {
      name: 'head/logits',
      op: 'BiasAdd',
      input: ['head/convolution', 'head/bias'],
      attr: { T: FLOAT, data_format: NHWC },
    },
    { name: 'head/softmax', op: 'Softmax', input: ['head/logits'], attr: { T: FLOAT } },
    {
      name: 'head/argmax',
      op: 'ArgMax',
      input: ['head/logits', 'head/class_axis'],
      attr: { T: FLOAT, Tidx: INT32, output_type: INT32 },
    },
    { name: PROBABILITIES, op: 'Identity', input: ['head/softmax'], attr: { T: FLOAT } },
    { name: CLASS_IDS, op: 'Identity', input: ['head/argmax'], attr: { T: INT32 } },
  ];
  const chip = LANDCOVER.chipSize;
  const input = tensorInfo(INPUT_NAME, 'DT_FLOAT', [-1, chip, chip, BAND_COUNT]);
  return {
    nodes,
    constants,
    signatures: {
      serving_default: {
        inputs: { [INPUT_NAME]: input },
        outputs: {
          [PROBABILITIES]: tensorInfo(PROBABILITIES, 'DT_FLOAT', [-1, chip, chip, CLASS_COUNT]),
        },
        methodName: PREDICT_METHOD,
      },
      [CLASS_IDS_SIGNATURE]: {
        inputs: { [INPUT_NAME]: input },
        outputs: { [CLASS_IDS]: tensorInfo(CLASS_IDS, 'DT_INT32', [-1, chip, chip]) },
        methodName: PREDICT_METHOD,
      },
    },
  };
}

function tensorInfo(node: string, dtype: DataTypeName, dims: number[]) {
  return { name: `${node}:0`, dtype, tensorShape: shapeOf(dims) };
}
