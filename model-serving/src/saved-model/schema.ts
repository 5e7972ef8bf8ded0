import protobuf from 'protobufjs';

// The subset of TensorFlow's protos a constant-weights SavedModel needs (saved_model.proto,
// meta_graph.proto, graph.proto, node_def.proto, attr_value.proto, tensor.proto,
// tensor_shape.proto, types.proto, versions.proto), with TensorFlow's field numbers. Field names
// are the JSON (camelCase) names, which is also what TF.js reads in model.json.

const DATA_TYPE_VALUES = {
  DT_INVALID: 0,
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_UINT8: 4,
  DT_INT16: 5,
  DT_INT8: 6,
  DT_STRING: 7,
  DT_COMPLEX64: 8,
  DT_INT64: 9,
  DT_BOOL: 10,
  DT_UINT16: 17,
  DT_HALF: 19,
  DT_UINT32: 22,
  DT_UINT64: 23,
} as const;

export type DataTypeName = keyof typeof DATA_TYPE_VALUES;

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

const DESCRIPTOR = {
  nested: {
    tensorflow: {
      nested: {
        DataType: { values: DATA_TYPE_VALUES },
        TensorShapeProto: {
          fields: { dim: repeated('Dim', 2), unknownRank: { type: 'bool', id: 3 } },
          nested: {
            Dim: { fields: { size: { type: 'int64', id: 1 }, name: { type: 'string', id: 2 } } },
          },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'DataType', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            versionNumber: { type: 'int32', id: 3 },
            tensorContent: { type: 'bytes', id: 4 },
            floatVal: repeated('float', 5),
            intVal: repeated('int32', 7),
          },
        },
        AttrValue: {
          oneofs: {
            value: { oneof: ['list', 's', 'i', 'f', 'b', 'type', 'shape', 'tensor'] },
          },
          fields: {
            list: { type: 'ListValue', id: 1 },
            s: { type: 'bytes', id: 2 },
            i: { type: 'int64', id: 3 },
            f: { type: 'float', id: 4 },
            b: { type: 'bool', id: 5 },
            type: { type: 'DataType', id: 6 },
            shape: { type: 'TensorShapeProto', id: 7 },
            tensor: { type: 'TensorProto', id: 8 },
          },
          nested: {
            ListValue: {
              fields: {
                s: repeated('bytes', 2),
                i: repeated('int64', 3),
                f: repeated('float', 4),
                b: repeated('bool', 5),
                type: repeated('DataType', 6),
                shape: repeated('TensorShapeProto', 7),
              },
            },
          },
        },
        NodeDef: {
          fields: {
            name: { type: 'string', id: 1 },
            op: { type: 'string', id: 2 },
            input: repeated('string', 3),
            device: { type: 'string', id: 4 },
            attr: { keyType: 'string', type: 'AttrValue', id: 5 },
          },
        },
        VersionDef: {
          fields: {
            producer: { type: 'int32', id: 1 },
            minConsumer: { type: 'int32', id: 2 },
          },
        },
        GraphDef: {
          fields: { node: repeated('NodeDef', 1), versions: { type: 'VersionDef', id: 4 } },
        },
        TensorInfo: {
          fields: {
            name: { type: 'string', id: 1 },
            dtype: { type: 'DataType', id: 2 },
            tensorShape: { type: 'TensorShapeProto', id: 3 },
          },
        },
        SignatureDef: {
          fields: {
            inputs: { keyType: 'string', type: 'TensorInfo', id: 1 },
            outputs: { keyType: 'string', type: 'TensorInfo', id: 2 },
            methodName: { type: 'string', id: 3 },
          },
        },
        MetaInfoDef: {
          fields: {
            metaGraphVersion: { type: 'string', id: 1 },
            tags: repeated('string', 4),
            tensorflowVersion: { type: 'string', id: 5 },
          },
        },
        MetaGraphDef: {
          fields: {
            metaInfoDef: { type: 'MetaInfoDef', id: 1 },
            graphDef: { type: 'GraphDef', id: 2 },
            signatureDef: { keyType: 'string', type: 'SignatureDef', id: 5 },
          },
        },
        SavedModel: {
          fields: {
            savedModelSchemaVersion: { type: 'int64', id: 1 },
            metaGraphs: repeated('MetaGraphDef', 2),
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(DESCRIPTOR);

export const SavedModelType = root.lookupType('tensorflow.SavedModel');
export const GraphDefType = root.lookupType('tensorflow.GraphDef');

/** The JSON form of a message: enums by name, 64-bit integers as strings, bytes as base64. */
export const JSON_FORM: protobuf.IConversionOptions = {
  enums: String,
  longs: String,
  bytes: String,
  defaults: false,
  arrays: false,
};

export interface TensorShape {
  dim?: { size: string | number; name?: string }[];
  unknownRank?: boolean;
}

export interface TensorInfo {
  name: string;
  dtype: DataTypeName;
  tensorShape: TensorShape;
}

export interface SignatureDef {
  inputs: Record<string, TensorInfo>;
  outputs: Record<string, TensorInfo>;
  methodName: string;
}
