// Writing an OnnxGraph as an .onnx file (a protobuf ModelProto). The small parts (nodes, inputs,
// outputs, each tensor's header) are encoded with onnx-proto; the tensors' bytes are written
// straight from their arrays as raw_data, so a 500 MB model never becomes one giant buffer.
import * as fs from 'fs';
import { onnx } from 'onnx-proto';
import { ONNX_OPSET, type AttributeValue, type GraphValue, type Initializer, type OnnxGraph } from './onnx-graph';

/** IR version 7 (ONNX 1.7+) covers opset 14 and is read by every onnxruntime since 1.6. */
const IR_VERSION = 7;
// Protobuf field numbers (onnx.proto) of the fields written by hand below.
const MODEL_GRAPH_FIELD = 7;
const GRAPH_INITIALIZER_FIELD = 5;
const TENSOR_RAW_DATA_FIELD = 9;
const LENGTH_DELIMITED = 2;

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/** Tag and length of a length-delimited field. */
function fieldHeader(field: number, length: number): Uint8Array {
  const tag = varint((field << 3) | LENGTH_DELIMITED);
  const size = varint(length);
  const out = new Uint8Array(tag.length + size.length);
  out.set(tag, 0);
  out.set(size, tag.length);
  return out;
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  if (Array.isArray(value)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
  if (typeof value === 'number') return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value.float };
}

function valueInfo(value: GraphValue): onnx.IValueInfoProto {
  const dim = value.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: value.name, type: { tensorType: { elemType: value.dataType, shape: { dim } } } };
}

/** An initializer as the chunks of its GraphProto.initializer field: headers, then the data bytes. */
function initializerChunks(init: Initializer): Uint8Array[] {
  const header = onnx.TensorProto.encode({ name: init.name, dims: init.dims, dataType: init.dataType }).finish();
  const rawHeader = fieldHeader(TENSOR_RAW_DATA_FIELD, init.bytes.byteLength);
  const tensorLength = header.length + rawHeader.length + init.bytes.byteLength;
  return [fieldHeader(GRAPH_INITIALIZER_FIELD, tensorLength), header, rawHeader, init.bytes];
}

/** The model file's bytes as a list of chunks, in order. */
export function modelChunks(graph: OnnxGraph, producer: { name: string; version: string }): Uint8Array[] {
  const graphBody = onnx.GraphProto.encode({
    name: graph.name,
    node: graph.nodes.map((node) => ({
      opType: node.opType,
      name: node.name,
      input: node.inputs,
      output: node.outputs,
      attribute: Object.entries(node.attributes).map(([name, value]) => attribute(name, value)),
    })),
    input: graph.inputs.map(valueInfo),
    output: graph.outputs.map(valueInfo),
  }).finish();
  const tensors = graph.initializers.map(initializerChunks);
  const graphLength = graphBody.length + tensors.flat().reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const modelHeader = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    producerName: producer.name,
    producerVersion: producer.version,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
  }).finish();
  return [modelHeader, fieldHeader(MODEL_GRAPH_FIELD, graphLength), graphBody, ...tensors.flat()];
}

/** Writes the graph to `file` chunk by chunk; returns the number of bytes. */
export function writeOnnxModel(file: string, graph: OnnxGraph, producer: { name: string; version: string }): number {
  const fd = fs.openSync(file, 'w');
  let written = 0;
  try {
    for (const chunk of modelChunks(graph, producer)) {
      let offset = 0;
      while (offset < chunk.byteLength) offset += fs.writeSync(fd, chunk, offset, chunk.byteLength - offset);
      written += chunk.byteLength;
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}
