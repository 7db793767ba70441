// RoBERTa as an ONNX graph (opset 14, standard operators only), built from Hugging Face tensor
// names: the encoder once, then one function per head. The same builder writes the fp32 graph and
// the dynamically quantized one (int8 MatMul weights), so both follow the same path.
//
// The patterns follow what `torch.onnx.export` emits for transformers' RobertaModel, so that ONNX
// Runtime's graph optimizer recognises them: LayerNorm as ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div,
// GELU as Div(√2)/Erf/Add(1)/Mul/Mul(0.5), quantized MatMuls as ORT's quantizer writes them.
import type { RobertaConfig } from '../model/config';

export const ONNX_OPSET = 14;

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type OnnxTypeCode = (typeof OnnxType)[keyof typeof OnnxType];

export interface Initializer {
  name: string;
  dims: number[];
  dataType: OnnxTypeCode;
  /** Little-endian element bytes (ONNX raw_data). */
  bytes: Uint8Array;
}

export type AttributeValue = number | number[] | { float: number };

export interface GraphNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface GraphValue {
  name: string;
  dataType: OnnxTypeCode;
  /** A number is a fixed size, a string a dynamic axis (ONNX dim_param). */
  shape: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: GraphNode[];
  initializers: Initializer[];
  inputs: GraphValue[];
  outputs: GraphValue[];
}

/** Where the checkpoint's float32 tensors come from (a safetensors file, a model in memory). */
export interface WeightSource {
  /** The tensor with this Hugging Face name (`roberta.` prefixed), or an error naming it. */
  get(name: string): { shape: number[]; values: Float32Array };
  has(name: string): boolean;
}

export interface GraphOptions {
  /** Dynamic int8 quantization of every MatMul weight (activations quantized per call). */
  quantize: boolean;
}

export type RobertaHead = 'sequence-classification' | 'masked-lm';

function floatBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** [rows, cols] row-major -> [cols, rows]: PyTorch's Linear stores [out, in], MatMul wants [in, out]. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    const rowOffset = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[rowOffset + c];
  }
  return out;
}

/**
 * Symmetric per-output-unit int8 quantization of a [out, in] Linear weight, laid out [in, out] for
 * MatMulInteger. Seven bits (±63), as ORT's quantizer does with reduce_range: on AVX2 without VNNI
 * the u8·s8 kernel sums pairs of products in int16, and 255·63·2 stays below 32767.
 */
export function quantizeLinearWeight(
  values: Float32Array,
  outFeatures: number,
  inFeatures: number,
): { weights: Int8Array; scales: Float32Array } {
  const QMAX = 63;
  const weights = new Int8Array(values.length);
  const scales = new Float32Array(outFeatures);
  for (let o = 0; o < outFeatures; o++) {
    let absMax = 0;
    const rowOffset = o * inFeatures;
    for (let i = 0; i < inFeatures; i++) absMax = Math.max(absMax, Math.abs(values[rowOffset + i]));
    const scale = absMax === 0 ? 1 : absMax / QMAX;
    scales[o] = scale;
    for (let i = 0; i < inFeatures; i++) weights[i * outFeatures + o] = Math.round(values[rowOffset + i] / scale);
  }
  return { weights, scales };
}

/** Collects nodes and initializers; every method returns the name of the value it produced. */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  private readonly used = new Set<string>();
  private counter = 0;
  private readonly scalars = new Map<string, string>();

  constructor(
    private readonly weights: WeightSource,
    readonly options: GraphOptions,
  ) {}

  private unique(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    const output = this.unique(outputName ?? `${opType}_out`);
    this.nodes.push({ opType, name: this.unique(`${opType}_node`), inputs, outputs: [output], attributes });
    return output;
  }

  /** A node with several outputs, returned in order. */
  nodeN(opType: string, inputs: string[], outputCount: number): string[] {
    const outputs = Array.from({ length: outputCount }, (_, i) => this.unique(`${opType}_out${i}`));
    this.nodes.push({ opType, name: this.unique(`${opType}_node`), inputs, outputs, attributes: {} });
    return outputs;
  }

  initializer(name: string, dataType: OnnxTypeCode, dims: number[], bytes: Uint8Array): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, dataType, bytes });
    return unique;
  }

  floatTensor(name: string, dims: number[], values: Float32Array): string {
    return this.initializer(name, OnnxType.FLOAT, dims, floatBytes(values));
  }

  /** A float32 scalar constant, shared between uses. */
  scalar(value: number): string {
    const key = `f${value}`;
    const known = this.scalars.get(key);
    if (known !== undefined) return known;
    const name = this.floatTensor(`const_${String(value).replace(/[^0-9a-z]/gi, '_')}`, [], Float32Array.of(value));
    this.scalars.set(key, name);
    return name;
  }

  /** An int64 constant (shapes, axes, indices), shared between uses. */
  int64s(values: number[], dims: number[] = [values.length]): string {
    const key = `i${dims.join('x')}:${values.join(',')}`;
    const known = this.scalars.get(key);
    if (known !== undefined) return known;
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    const label = `const_i64_${values.join('_').replace(/-/g, 'm')}`;
    const name = this.initializer(label, OnnxType.INT64, dims, new Uint8Array(data.buffer));
    this.scalars.set(key, name);
    return name;
  }

  /** A checkpoint tensor, checked against the shape the config implies. */
  weight(name: string, shape: number[]): Float32Array {
    if (!this.weights.has(name)) throw new Error(`missing weight '${name}' (expected shape [${shape.join(', ')}])`);
    const tensor = this.weights.get(name);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`weight '${name}' is [${tensor.shape.join(', ')}], the config needs [${shape.join(', ')}]`);
    }
    return tensor.values;
  }

  /** A checkpoint tensor stored under its own name, as it is. */
  weightInitializer(name: string, shape: number[]): string {
    return this.floatTensor(name, shape, this.weight(name, shape));
  }

  /** x · Wᵀ + b for a Linear `prefix` ([out, in] weight): MatMul, or its int8 form when quantizing. */
  linear(x: string, prefix: string, inFeatures: number, outFeatures: number): string {
    const weight = this.weight(`${prefix}.weight`, [outFeatures, inFeatures]);
    const bias = this.weightInitializer(`${prefix}.bias`, [outFeatures]);
    if (this.options.quantize) {
      return this.node('Add', [this.quantizedMatMul(x, `${prefix}.weight`, weight, outFeatures, inFeatures), bias]);
    }
    const transposed = transpose2d(weight, outFeatures, inFeatures);
    const transposedName = this.floatTensor(`${prefix}.weight_transposed`, [inFeatures, outFeatures], transposed);
    const product = this.node('MatMul', [x, transposedName]);
    return this.node('Add', [product, bias]);
  }

  /**
   * The operator sequence ORT's dynamic quantizer writes for a MatMul with a constant weight:
   * DynamicQuantizeLinear(x) -> MatMulInteger -> Cast(float) -> Mul(x_scale · w_scale), the pattern
   * ORT's CPU graph optimizer looks for to fuse into its DynamicQuantizeMatMul kernel.
   */
  quantizedMatMul(
    x: string,
    weightName: string,
    weight: Float32Array,
    outFeatures: number,
    inFeatures: number,
  ): string {
    const { weights, scales } = quantizeLinearWeight(weight, outFeatures, inFeatures);
    const [xQuantized, xScale, xZeroPoint] = this.nodeN('DynamicQuantizeLinear', [x], 3);
    const shape = [inFeatures, outFeatures];
    const weightBytes = new Uint8Array(weights.buffer);
    const weightQuantized = this.initializer(`${weightName}_quantized`, OnnxType.INT8, shape, weightBytes);
    const zeros = new Uint8Array(outFeatures);
    const weightZeroPoint = this.initializer(`${weightName}_zero_point`, OnnxType.INT8, [outFeatures], zeros);
    const weightScale = this.floatTensor(`${weightName}_scale`, [outFeatures], scales);
    const integer = this.node('MatMulInteger', [xQuantized, weightQuantized, xZeroPoint, weightZeroPoint]);
    const asFloat = this.node('Cast', [integer], { to: OnnxType.FLOAT });
    const scale = this.node('Mul', [xScale, weightScale]);
    return this.node('Mul', [asFloat, scale]);
  }

  /** LayerNorm over the last axis, decomposed the way torch.onnx.export writes it (opset < 17). */
  layerNorm(x: string, prefix: string, hidden: number, eps: number): string {
    const gamma = this.weightInitializer(`${prefix}.weight`, [hidden]);
    const beta = this.weightInitializer(`${prefix}.bias`, [hidden]);
    const mean = this.node('ReduceMean', [x], { axes: [-1], keepdims: 1 });
    const centered = this.node('Sub', [x, mean]);
    const squared = this.node('Pow', [centered, this.scalar(2)]);
    const variance = this.node('ReduceMean', [squared], { axes: [-1], keepdims: 1 });
    const std = this.node('Sqrt', [this.node('Add', [variance, this.scalar(eps)])]);
    const normalized = this.node('Div', [centered, std]);
    return this.node('Add', [this.node('Mul', [normalized, gamma]), beta]);
  }

  /** The exact (erf) GELU: x · ½ · (1 + erf(x / √2)). */
  gelu(x: string): string {
    const erf = this.node('Erf', [this.node('Div', [x, this.scalar(Math.SQRT2)])]);
    const onePlus = this.node('Add', [erf, this.scalar(1)]);
    return this.node('Mul', [this.node('Mul', [x, onePlus]), this.scalar(0.5)]);
  }
}

// ---------------------------------------------------------------------------------------------
// The encoder

export const INPUT_IDS = 'input_ids';
export const ATTENTION_MASK = 'attention_mask';
export const LOGITS = 'logits';
const BATCH_AXIS = 'batch_size';
const SEQUENCE_AXIS = 'sequence_length';

/** Embeddings: words + positions (from the ids, as HF does) + token type 0, then LayerNorm. [B, S, H]. */
function embeddings(b: GraphBuilder, config: RobertaConfig): string {
  const hidden = config.hidden_size;
  const prefix = 'roberta.embeddings';
  const words = b.weightInitializer(`${prefix}.word_embeddings.weight`, [config.vocab_size, hidden]);
  const positionShape = [config.max_position_embeddings, hidden];
  const positions = b.weightInitializer(`${prefix}.position_embeddings.weight`, positionShape);
  const tokenTypes = b.weightInitializer(`${prefix}.token_type_embeddings.weight`, [config.type_vocab_size, hidden]);

  // position_ids = cumsum(ids != pad) * (ids != pad) + pad
  const pad = b.int64s([config.pad_token_id], []);
  const notPad = b.node('Cast', [b.node('Not', [b.node('Equal', [INPUT_IDS, pad])])], { to: OnnxType.INT64 });
  const counted = b.node('Mul', [b.node('CumSum', [notPad, b.int64s([1], [])]), notPad]);
  const positionIds = b.node('Add', [counted, pad], {}, 'position_ids');

  const wordVectors = b.node('Gather', [words, INPUT_IDS], { axis: 0 });
  const positionVectors = b.node('Gather', [positions, positionIds], { axis: 0 });
  const tokenTypeVector = b.node('Gather', [tokenTypes, b.int64s([0], [])], { axis: 0 }); // [H]: every token is type 0
  const summed = b.node('Add', [b.node('Add', [wordVectors, positionVectors]), tokenTypeVector]);
  return b.layerNorm(summed, `${prefix}.LayerNorm`, hidden, config.layer_norm_eps);
}

/** (1 − mask) · float32 min, shaped [B, 1, 1, S] to add to every head's scores. */
function attentionMaskBias(b: GraphBuilder): string {
  const mask = b.node('Cast', [ATTENTION_MASK], { to: OnnxType.FLOAT });
  const inverted = b.node('Sub', [b.scalar(1), mask]);
  const bias = b.node('Mul', [inverted, b.scalar(-3.4028234663852886e38)]);
  return b.node('Unsqueeze', [bias, b.int64s([1, 2])], {}, 'attention_bias');
}

/** [B, L, H] -> [B, heads, L, headDim] (or [B, heads, headDim, L] with `keyLayout`). */
function splitHeads(b: GraphBuilder, x: string, config: RobertaConfig, keyLayout = false): string {
  const heads = config.num_attention_heads;
  const reshaped = b.node('Reshape', [x, b.int64s([0, 0, heads, config.hidden_size / heads])]);
  return b.node('Transpose', [reshaped], { perm: keyLayout ? [0, 2, 3, 1] : [0, 2, 1, 3] });
}

/**
 * One encoder layer. `queries` is `hidden` itself, or only the first token ([B, 1, H]) in the
 * last layer of a classifier, whose head reads nothing else.
 */
function encoderLayer(
  b: GraphBuilder,
  config: RobertaConfig,
  index: number,
  hidden: string,
  queries: string,
  maskBias: string,
): string {
  const H = config.hidden_size;
  const prefix = `roberta.encoder.layer.${index}`;
  const q = splitHeads(b, b.linear(queries, `${prefix}.attention.self.query`, H, H), config);
  const kT = splitHeads(b, b.linear(hidden, `${prefix}.attention.self.key`, H, H), config, true);
  const v = splitHeads(b, b.linear(hidden, `${prefix}.attention.self.value`, H, H), config);
  const headDim = H / config.num_attention_heads;
  const scores = b.node('Add', [b.node('Div', [b.node('MatMul', [q, kT]), b.scalar(Math.sqrt(headDim))]), maskBias]);
  const probabilities = b.node('Softmax', [scores], { axis: -1 });
  const context = b.node('Transpose', [b.node('MatMul', [probabilities, v])], { perm: [0, 2, 1, 3] });
  const merged = b.node('Reshape', [context, b.int64s([0, 0, H])]);
  const attended = b.node('Add', [b.linear(merged, `${prefix}.attention.output.dense`, H, H), queries]);
  const attentionOut = b.layerNorm(attended, `${prefix}.attention.output.LayerNorm`, H, config.layer_norm_eps);

  const intermediate = b.gelu(b.linear(attentionOut, `${prefix}.intermediate.dense`, H, config.intermediate_size));
  const projected = b.linear(intermediate, `${prefix}.output.dense`, config.intermediate_size, H);
  const output = b.node('Add', [projected, attentionOut]);
  return b.layerNorm(output, `${prefix}.output.LayerNorm`, H, config.layer_norm_eps);
}

/** The encoder's last hidden state: [B, S, H], or [B, 1, H] (the <s> token) with `firstTokenOnly`. */
function encoder(b: GraphBuilder, config: RobertaConfig, firstTokenOnly: boolean): string {
  const maskBias = attentionMaskBias(b);
  let hidden = embeddings(b, config);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const last = i === config.num_hidden_layers - 1;
    const firstToken = (): string => b.node('Slice', [hidden, b.int64s([0]), b.int64s([1]), b.int64s([1])]);
    const queries = last && firstTokenOnly ? firstToken() : hidden;
    hidden = encoderLayer(b, config, i, hidden, queries, maskBias);
  }
  return hidden;
}

// ---------------------------------------------------------------------------------------------
// Heads: each takes the encoder output and returns the logits value and its shape.

interface HeadOutput {
  logits: string;
  shape: (number | string)[];
}

/** classifier: <s> -> dense -> tanh -> out_proj. The encoder computed only <s> in its last layer. */
function sequenceClassificationHead(b: GraphBuilder, config: RobertaConfig, firstToken: string): HeadOutput {
  const H = config.hidden_size;
  const first = b.node('Squeeze', [firstToken, b.int64s([1])]); // [B, H]
  const dense = b.node('Tanh', [b.linear(first, 'classifier.dense', H, H)]);
  const logits = b.linear(dense, 'classifier.out_proj', H, config.num_labels);
  return { logits, shape: [BATCH_AXIS, config.num_labels] };
}

/** lm_head: dense -> GELU -> layer_norm -> decoder (tied to the word embeddings) + lm_head.bias, at every position. */
function maskedLmHead(b: GraphBuilder, config: RobertaConfig, hidden: string): HeadOutput {
  const H = config.hidden_size;
  const V = config.vocab_size;
  const activated = b.gelu(b.linear(hidden, 'lm_head.dense', H, H));
  const transformed = b.layerNorm(activated, 'lm_head.layer_norm', H, config.layer_norm_eps);
  const bias = b.weightInitializer('lm_head.bias', [V]);
  let scores: string;
  if (b.options.quantize) {
    const embedding = b.weight('roberta.embeddings.word_embeddings.weight', [V, H]);
    scores = b.quantizedMatMul(transformed, 'lm_head.decoder.weight', embedding, V, H);
  } else {
    // Tied: the decoder reads the embedding table through a Transpose that ORT folds at load time.
    const table = b.initializers.find((init) => init.name === 'roberta.embeddings.word_embeddings.weight');
    if (table === undefined) throw new Error('masked-lm head: the word embeddings must be in the graph first');
    scores = b.node('MatMul', [transformed, b.node('Transpose', [table.name], { perm: [1, 0] })]);
  }
  return { logits: b.node('Add', [scores, bias]), shape: [BATCH_AXIS, SEQUENCE_AXIS, V] };
}

/** The whole graph: inputs input_ids / attention_mask (int64 [batch, sequence]), output logits. */
export function buildRobertaGraph(
  config: RobertaConfig,
  weights: WeightSource,
  head: RobertaHead,
  options: GraphOptions,
): OnnxGraph {
  if (config.hidden_act !== 'gelu') {
    throw new Error(`hidden_act must be "gelu", found ${JSON.stringify(config.hidden_act)}`);
  }
  const b = new GraphBuilder(weights, options);
  let out: HeadOutput;
  if (head === 'sequence-classification') {
    out = sequenceClassificationHead(b, config, encoder(b, config, true));
  } else {
    out = maskedLmHead(b, config, encoder(b, config, false));
  }
  // Name the head's result `logits` (the graph output) with an Identity.
  const identity = { opType: 'Identity', name: 'logits_identity', attributes: {} };
  b.nodes.push({ ...identity, inputs: [out.logits], outputs: [LOGITS] });
  const dynamic: (number | string)[] = [BATCH_AXIS, SEQUENCE_AXIS];
  return {
    name: head === 'sequence-classification' ? 'RobertaForSequenceClassification' : 'RobertaForMaskedLM',
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [
      { name: INPUT_IDS, dataType: OnnxType.INT64, shape: dynamic },
      { name: ATTENTION_MASK, dataType: OnnxType.INT64, shape: dynamic },
    ],
    outputs: [{ name: LOGITS, dataType: OnnxType.FLOAT, shape: out.shape }],
  };
}
