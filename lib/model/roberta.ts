// RobertaForSequenceClassification in tfjs, following Hugging Face's modeling_roberta.py: the same
// parameter names (the Map keys), the same arithmetic, so Hugging Face checkpoints load by name and
// give the same logits and gradients to float32 precision. Read top to bottom:
// building blocks -> embeddings -> self-attention -> layer -> encoder -> classification head -> model.
//
// Hidden states travel as 2-D [batch * seq, hidden] tensors so every dense layer is one plain
// matMul; only attention reshapes to [batch, heads, seq, headDim].
import * as tf from '@tensorflow/tfjs';
import { robertaConfig, maxSequenceLength, type RobertaConfig } from './config';
import { parameterSpecs, maskedLmParameterSpecs, elementCount, type ParameterSpec } from './parameters';
import { checkLabels, checkModelInputs } from './inputs';
import {
  loadPretrainedValues,
  savePretrainedFiles,
  type LoadReport,
  type PretrainedOptions,
} from './pretrained';

/** The most negative float32: Hugging Face adds (1 - mask) times this to masked attention scores. */
const MASK_FILL = -3.4028234663852886e38;

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Scalars every forward pass needs, created once per model instead of once per call. */
interface Constants {
  one: tf.Scalar;
  maskFill: tf.Scalar;
  layerNormEps: tf.Scalar;
  attentionScale: tf.Scalar;
  half: tf.Scalar;
  invSqrt2: tf.Scalar;
  invSqrt2Pi: tf.Scalar;
  minusHalf: tf.Scalar;
}

/** Per-call state: train/eval mode and the dropout seed stream. */
class ForwardContext {
  private site = 0;
  constructor(
    readonly training: boolean,
    private readonly seed: number,
  ) {}

  /** Inverted dropout (scale by 1/(1-p) in training, identity in eval). Each call is one site with its own seed. */
  dropout<T extends tf.Tensor>(x: T, rate: number): T {
    const site = this.site++;
    if (!this.training || rate === 0) return x;
    const mask = dropoutMask(x.shape, rate, siteSeed(this.seed, site));
    return tf.mul(x, mask);
  }
}

/** splitmix32-style mixing: a well-spread 32-bit seed for each (dropoutSeed, site) pair. */
function siteSeed(seed: number, site: number): number {
  let h = (Math.floor(seed) >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x27d4eb2d);
  h = (h + Math.imul(site + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A {0, 1/(1-rate)} mask drawn with mulberry32: one pass in JS, one tensor, no per-element tf ops. */
function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const keep = 1 - rate;
  const scale = 1 / keep;
  const values = new Float32Array(elementCount(shape));
  let state = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const uniform = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    values[i] = uniform < keep ? scale : 0;
  }
  return tf.tensor(values, shape, 'float32');
}

/** y = x · Wᵀ + b with W stored [out, in] as in PyTorch. */
class Linear {
  constructor(
    readonly weight: tf.Variable,
    readonly bias: tf.Variable,
  ) {}

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight, false, true), this.bias);
  }
}

type CustomOp = (
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/**
 * tf.customGrad with the inputs as an array (tfjs types its callback over a mixed argument list).
 * Besides fewer kernels, a custom gradient keeps memory down: tfjs holds every intermediate
 * gradient until the backward pass ends, but those made inside a gradFunc are freed right away.
 */
function customOp(f: CustomOp): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    f(args.slice(0, -1) as tf.Tensor[], args[args.length - 1] as tf.GradSaveFunc),
  );
}

class LayerNorm {
  private readonly op: (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

  constructor(
    readonly weight: tf.Variable,
    readonly bias: tf.Variable,
    constants: Constants,
  ) {
    this.op = customOp(([x, gamma, beta], save) => {
      // torch.nn.LayerNorm over the last axis, biased variance.
      const centered = tf.sub(x, tf.mean(x, -1, true));
      const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), constants.layerNormEps));
      const normalized = tf.mul(centered, rstd);
      save([normalized, rstd, gamma]);
      return {
        value: tf.add(tf.mul(normalized, gamma), beta),
        gradFunc: (dy, [xHat, savedRstd, savedGamma]) => {
          // dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)) with g = dy · γ, the standard LayerNorm backward.
          const g = tf.mul(dy, savedGamma);
          const meanG = tf.mean(g, -1, true);
          const meanGxHat = tf.mean(tf.mul(g, xHat), -1, true);
          const dx = tf.mul(savedRstd, tf.sub(tf.sub(g, meanG), tf.mul(xHat, meanGxHat)));
          return [dx, tf.sum(tf.mul(dy, xHat), 0), tf.sum(dy, 0)];
        },
      };
    });
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.op(x, this.weight, this.bias) as tf.Tensor2D;
  }
}

/**
 * Exact GELU, x·Φ(x) with Φ(x) = (1 + erf(x/√2))/2, as torch.nn.functional.gelu. A custom
 * gradient (Φ(x) + x·φ(x)) keeps the backward pass to a few element-wise ops.
 */
function exactGelu(c: Constants): (x: tf.Tensor2D) => tf.Tensor2D {
  const op = customOp(([input], save) => {
    const cdf = tf.mul(c.half, tf.add(c.one, tf.erf(tf.mul(input, c.invSqrt2))));
    save([input, cdf]);
    return {
      value: tf.mul(input, cdf),
      gradFunc: (dy, [savedInput, savedCdf]) => {
        const pdf = tf.mul(c.invSqrt2Pi, tf.exp(tf.mul(c.minusHalf, tf.square(savedInput))));
        return tf.mul(dy, tf.add(savedCdf, tf.mul(savedInput, pdf)));
      },
    };
  });
  return (x) => op(x) as tf.Tensor2D;
}

/**
 * Row lookup in an nn.Embedding with padding_idx: rows for `ids`, but the gradient skips the
 * padding row, so it stays exactly where it is (PyTorch's semantics). The gradient's scatter-add
 * maps padding ids to segment -1, which UnsortedSegmentSum drops.
 */
function embeddingLookup(table: tf.Variable, ids: tf.Tensor1D, paddingIdx: number): tf.Tensor2D {
  const rows = table.shape[0];
  const op = customOp(([weights], save) => {
    const segmentIds = tf.where(tf.equal(ids, paddingIdx), tf.fill(ids.shape, -1, 'int32'), ids);
    save([segmentIds]);
    return {
      value: tf.gather(weights, ids),
      gradFunc: (dy, saved) => tf.unsortedSegmentSum(dy, saved[0] as tf.Tensor1D, rows),
    };
  });
  return op(table) as tf.Tensor2D;
}

/** The variables of the model by Hugging Face name; a missing name is a programming error. */
class ParameterTable {
  constructor(private readonly variables: Map<string, tf.Variable>) {}

  get(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (variable === undefined) throw new Error(`RobertaForSequenceClassification: no parameter '${name}'`);
    return variable;
  }

  linear(prefix: string): Linear {
    return new Linear(this.get(`${prefix}.weight`), this.get(`${prefix}.bias`));
  }

  layerNorm(prefix: string, constants: Constants): LayerNorm {
    return new LayerNorm(this.get(`${prefix}.weight`), this.get(`${prefix}.bias`), constants);
  }
}

/** Batch geometry shared by the layers of one forward pass. */
interface Shape {
  batch: number;
  seq: number;
}

// ---------------------------------------------------------------------------------------------
// roberta.embeddings

class RobertaEmbeddings {
  private readonly wordEmbeddings: tf.Variable;
  private readonly positionEmbeddings: tf.Variable;
  private readonly tokenTypeEmbeddings: tf.Variable;
  private readonly layerNorm: LayerNorm;

  constructor(
    private readonly config: RobertaConfig,
    params: ParameterTable,
    constants: Constants,
  ) {
    this.wordEmbeddings = params.get('roberta.embeddings.word_embeddings.weight');
    this.positionEmbeddings = params.get('roberta.embeddings.position_embeddings.weight');
    this.tokenTypeEmbeddings = params.get('roberta.embeddings.token_type_embeddings.weight');
    this.layerNorm = params.layerNorm('roberta.embeddings.LayerNorm', constants);
  }

  /** [batch, seq] ids -> [batch * seq, hidden]. */
  forward(inputIds: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    const pad = this.config.pad_token_id;
    const ids = tf.reshape(inputIds, [-1]) as tf.Tensor1D;
    const words = embeddingLookup(this.wordEmbeddings, ids, pad);
    const positions = embeddingLookup(this.positionEmbeddings, positionIds(inputIds, pad), pad);
    // RoBERTa has a single token type: every token adds row 0.
    const tokenType = tf.slice(this.tokenTypeEmbeddings, [0, 0], [1, this.config.hidden_size]);
    const summed: tf.Tensor2D = tf.add(tf.add(words, positions), tokenType);
    return ctx.dropout(this.layerNorm.apply(summed), this.config.hidden_dropout_prob);
  }
}

/**
 * RoBERTa's position ids: real tokens count 2, 3, ... (padding_idx + 1 onwards), padding tokens
 * get padding_idx itself: cumsum(notPad) * notPad + padding_idx, computed from the ids as in HF.
 */
function positionIds(inputIds: tf.Tensor2D, pad: number): tf.Tensor1D {
  const notPad = tf.cast(tf.notEqual(inputIds, pad), 'int32');
  const positions = tf.add(tf.mul(tf.cumsum(notPad, 1), notPad), tf.scalar(pad, 'int32'));
  return tf.reshape(positions, [-1]) as tf.Tensor1D;
}

// ---------------------------------------------------------------------------------------------
// roberta.encoder.layer.N.attention

class RobertaAttention {
  private readonly query: Linear;
  private readonly key: Linear;
  private readonly value: Linear;
  private readonly outputDense: Linear;
  private readonly outputLayerNorm: LayerNorm;
  private readonly heads: number;
  private readonly headDim: number;

  constructor(
    private readonly config: RobertaConfig,
    params: ParameterTable,
    prefix: string,
    private readonly constants: Constants,
  ) {
    this.query = params.linear(`${prefix}.self.query`);
    this.key = params.linear(`${prefix}.self.key`);
    this.value = params.linear(`${prefix}.self.value`);
    this.outputDense = params.linear(`${prefix}.output.dense`);
    this.outputLayerNorm = params.layerNorm(`${prefix}.output.LayerNorm`, constants);
    this.heads = config.num_attention_heads;
    this.headDim = config.hidden_size / config.num_attention_heads;
  }

  /**
   * Self-attention of `queries` over all tokens of `hidden` ([batch * seq, hidden]). `queries` is
   * either `hidden` itself or its first token per row ([batch, hidden]) when only <s> is needed.
   */
  forward(hidden: tf.Tensor2D, queries: tf.Tensor2D, maskBias: tf.Tensor4D, shape: Shape, ctx: ForwardContext): tf.Tensor2D {
    const { batch, seq } = shape;
    const queryLength = queries.shape[0] / batch;
    // Scaling q by 1/√d before the product instead of the scores after it: less work, and the
    // same numbers when √d is a power of two (d = 64 in roberta-base, 16 in the fixture).
    const q = tf.transpose(
      tf.reshape(tf.mul(this.query.apply(queries), this.constants.attentionScale), [batch, queryLength, this.heads, this.headDim]),
      [0, 2, 1, 3],
    ); // [batch, heads, queryLength, headDim]
    const kT = tf.transpose(tf.reshape(this.key.apply(hidden), [batch, seq, this.heads, this.headDim]), [0, 2, 3, 1]); // [batch, heads, headDim, seq]
    const v = tf.transpose(tf.reshape(this.value.apply(hidden), [batch, seq, this.heads, this.headDim]), [0, 2, 1, 3]); // [batch, heads, seq, headDim]
    const scores = tf.add(tf.matMul(q, kT), maskBias); // [batch, heads, queryLength, seq]
    const probabilities = ctx.dropout(tf.softmax(scores), this.config.attention_probs_dropout_prob);
    const context: tf.Tensor2D = tf.reshape(tf.transpose(tf.matMul(probabilities, v), [0, 2, 1, 3]), [batch * queryLength, this.config.hidden_size]);
    const projected = ctx.dropout(this.outputDense.apply(context), this.config.hidden_dropout_prob);
    return this.outputLayerNorm.apply(tf.add<tf.Tensor2D>(projected, queries));
  }
}

// ---------------------------------------------------------------------------------------------
// roberta.encoder.layer.N

class RobertaLayer {
  private readonly attention: RobertaAttention;
  private readonly intermediate: Linear;
  private readonly output: Linear;
  private readonly outputLayerNorm: LayerNorm;
  private readonly gelu: (x: tf.Tensor2D) => tf.Tensor2D;

  constructor(
    private readonly config: RobertaConfig,
    params: ParameterTable,
    index: number,
    constants: Constants,
  ) {
    const prefix = `roberta.encoder.layer.${index}`;
    this.gelu = exactGelu(constants);
    this.attention = new RobertaAttention(config, params, `${prefix}.attention`, constants);
    this.intermediate = params.linear(`${prefix}.intermediate.dense`);
    this.output = params.linear(`${prefix}.output.dense`);
    this.outputLayerNorm = params.layerNorm(`${prefix}.output.LayerNorm`, constants);
  }

  /** Attention then the GELU feed-forward, each with dropout, residual and LayerNorm. */
  forward(hidden: tf.Tensor2D, queries: tf.Tensor2D, maskBias: tf.Tensor4D, shape: Shape, ctx: ForwardContext): tf.Tensor2D {
    const attended = this.attention.forward(hidden, queries, maskBias, shape, ctx);
    const expanded = this.gelu(this.intermediate.apply(attended));
    const projected = ctx.dropout(this.output.apply(expanded), this.config.hidden_dropout_prob);
    return this.outputLayerNorm.apply(tf.add<tf.Tensor2D>(projected, attended));
  }
}

// ---------------------------------------------------------------------------------------------
// roberta.encoder

class RobertaEncoder {
  readonly layers: RobertaLayer[];

  constructor(config: RobertaConfig, params: ParameterTable, constants: Constants) {
    this.layers = Array.from({ length: config.num_hidden_layers }, (_, i) => new RobertaLayer(config, params, i, constants));
  }

  /**
   * Runs the layers over [batch * seq, hidden]. With `firstTokenOnly` the last layer computes only
   * the <s> rows ([batch, hidden]): the head reads nothing else, and every other row's output in
   * that layer has no influence on it, so the logits and gradients are the same for 1/seq of the
   * last layer's queries and feed-forward work. `everyLayer` receives each layer's output.
   */
  forward(
    hidden: tf.Tensor2D,
    maskBias: tf.Tensor4D,
    shape: Shape,
    ctx: ForwardContext,
    firstTokenOnly: boolean,
    everyLayer?: (output: tf.Tensor2D) => void,
  ): tf.Tensor2D {
    let current = hidden;
    this.layers.forEach((layer, i) => {
      const last = i === this.layers.length - 1;
      const queries = last && firstTokenOnly ? firstTokens(current, shape) : current;
      current = layer.forward(current, queries, maskBias, shape, ctx);
      everyLayer?.(current);
    });
    return current;
  }
}

/** The <s> row of each sequence: [batch * seq, hidden] -> [batch, hidden]. */
function firstTokens(hidden: tf.Tensor2D, { batch, seq }: Shape): tf.Tensor2D {
  const width = hidden.shape[1];
  return tf.reshape(tf.slice(tf.reshape(hidden, [batch, seq, width]), [0, 0, 0], [batch, 1, width]), [batch, width]);
}

// ---------------------------------------------------------------------------------------------
// classifier (RobertaClassificationHead): <s> -> dropout -> dense -> tanh -> dropout -> out_proj

class RobertaClassificationHead {
  private readonly dense: Linear;
  private readonly outProj: Linear;
  private readonly dropoutRate: number;

  constructor(config: RobertaConfig, params: ParameterTable) {
    this.dense = params.linear('classifier.dense');
    this.outProj = params.linear('classifier.out_proj');
    this.dropoutRate = config.classifier_dropout ?? config.hidden_dropout_prob;
  }

  /** [batch, hidden] (the <s> states) -> [batch, numLabels]. */
  forward(firstTokenStates: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    const x = tf.tanh(this.dense.apply(ctx.dropout(firstTokenStates, this.dropoutRate)));
    return this.outProj.apply(ctx.dropout(x, this.dropoutRate));
  }
}

// ---------------------------------------------------------------------------------------------
// The model

export interface ModelInputs {
  /** int32 [batch, seq] token ids. */
  inputIds: tf.Tensor2D;
  /** [batch, seq] 1 for real tokens, 0 for padding; all ones when omitted. */
  attentionMask?: tf.Tensor2D;
}

export interface ForwardOptions {
  /** Train mode applies dropout; eval mode is deterministic. */
  training: boolean;
  /** Makes train-mode dropout reproducible; each dropout site derives its own seed from it. */
  dropoutSeed?: number;
}

export interface FromConfigOptions {
  /** Seed of the random initialisation (default 0). */
  seed?: number;
}

let nextModelId = 0;

export class RobertaForSequenceClassification {
  readonly config: RobertaConfig;
  /** Hugging Face state-dict name -> variable, in state-dict order. */
  readonly parameters: Map<string, tf.Variable>;
  /** What fromPretrained found: missing, unexpected and ignored checkpoint tensors. */
  loadReport: LoadReport | null = null;

  private readonly constants: Constants;
  private readonly embeddings: RobertaEmbeddings;
  private readonly encoder: RobertaEncoder;
  private readonly classifier: RobertaClassificationHead;
  private unseededDropoutCalls = 0;
  private disposed = false;

  /** Use fromConfig or fromPretrained; `initialValues` supplies loaded values by name. */
  private constructor(config: RobertaConfig, seed: number, initialValues: Map<string, Float32Array>) {
    this.config = config;
    const id = nextModelId++;
    this.parameters = new Map();
    parameterSpecs(config).forEach((spec, index) => {
      const loaded = initialValues.get(spec.name);
      const initial = loaded !== undefined ? tf.tensor(loaded, spec.shape, 'float32') : initialValue(spec, config, seed, index);
      this.parameters.set(spec.name, tf.variable(initial, true, `roberta_model_${id}/${spec.name}`));
      initial.dispose();
    });
    const h = config.hidden_size / config.num_attention_heads;
    this.constants = {
      one: tf.scalar(1),
      maskFill: tf.scalar(MASK_FILL),
      layerNormEps: tf.scalar(config.layer_norm_eps),
      attentionScale: tf.scalar(1 / Math.sqrt(h)),
      half: tf.scalar(0.5),
      invSqrt2: tf.scalar(Math.SQRT1_2),
      invSqrt2Pi: tf.scalar(1 / Math.sqrt(2 * Math.PI)),
      minusHalf: tf.scalar(-0.5),
    };
    const params = new ParameterTable(this.parameters);
    this.embeddings = new RobertaEmbeddings(config, params, this.constants);
    this.encoder = new RobertaEncoder(config, params, this.constants);
    this.classifier = new RobertaClassificationHead(config, params);
  }

  /** A freshly initialised model, as Hugging Face initialises one (seeded). */
  static fromConfig(config: RobertaConfig | Partial<RobertaConfig>, options: FromConfigOptions = {}): RobertaForSequenceClassification {
    return new RobertaForSequenceClassification(robertaConfig(config), options.seed ?? 0, new Map());
  }

  /**
   * Loads a Hugging Face checkpoint from a local folder or a Hub id: config.json plus
   * model.safetensors (or pytorch_model.bin, read by a restricted unpickler; sharded variants too).
   * Tensor names may carry the `roberta.` prefix or not; `roberta.pooler.*` and `lm_head.*` are
   * ignored; a missing classifier head is initialised fresh. `model.loadReport` says what happened.
   */
  static async fromPretrained(dirOrHubId: string, options: PretrainedOptions = {}): Promise<RobertaForSequenceClassification> {
    const architecture = 'RobertaForSequenceClassification';
    const { config, values, report } = await loadPretrainedValues(dirOrHubId, options, architecture, parameterSpecs);
    const model = new RobertaForSequenceClassification(config, options.seed ?? 0, values);
    model.loadReport = report;
    return model;
  }

  /** The trainable variables, in state-dict order (what an optimizer updates). */
  trainableVariables(): tf.Variable[] {
    return [...this.parameters.values()];
  }

  numParameters(): number {
    let total = 0;
    for (const variable of this.parameters.values()) total += variable.size;
    return total;
  }

  /** Logits [batch, numLabels] from the <s> token. Tensors made on the way are disposed. */
  forward(inputs: ModelInputs, options: ForwardOptions): tf.Tensor2D {
    return tf.tidy(() => {
      const { ctx, shape, maskBias } = this.prepare(inputs, options);
      const embedded = this.embeddings.forward(inputs.inputIds, ctx);
      const firstTokenStates = this.encoder.forward(embedded, maskBias, shape, ctx, true);
      return this.classifier.forward(firstTokenStates, ctx);
    });
  }

  /**
   * Every token's hidden states: [embedding output, layer 0 output, ...], each [batch, seq, hidden]
   * (HF's output_hidden_states). For inspection and tests; forward() skips the last layer's non-<s> rows.
   */
  hiddenStates(inputs: ModelInputs, options: ForwardOptions = { training: false }): tf.Tensor3D[] {
    return tf.tidy(() => {
      const { ctx, shape, maskBias } = this.prepare(inputs, options);
      const as3d = (t: tf.Tensor2D): tf.Tensor3D => tf.reshape(t, [shape.batch, shape.seq, this.config.hidden_size]);
      const embedded = this.embeddings.forward(inputs.inputIds, ctx);
      const states: tf.Tensor3D[] = [as3d(embedded)];
      this.encoder.forward(embedded, maskBias, shape, ctx, false, (output) => states.push(as3d(output)));
      return states;
    });
  }

  /** Mean cross-entropy of `logits` [batch, numLabels] against int32 `labels` [batch]. */
  loss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
    const problem = this.config.problem_type ?? (this.config.num_labels === 1 ? 'regression' : 'single_label_classification');
    if (problem !== 'single_label_classification') {
      throw new Error(`loss: this config's problem is ${problem}; only single-label classification (cross-entropy) is implemented`);
    }
    if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
      throw new Error(`loss: labels must be [${logits.shape[0]}], found [${labels.shape.join(', ')}]`);
    }
    // A label >= num_labels would one-hot to zeros and add nothing to the loss.
    checkLabels(labels.dataSync(), this.config.num_labels, 'loss');
    return tf.tidy(() => {
      const oneHot = tf.oneHot(tf.cast(labels, 'int32'), this.config.num_labels);
      return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
    });
  }

  /** Writes config.json and model.safetensors (F32, Hugging Face names), each atomically. */
  async savePretrained(dir: string): Promise<void> {
    const tensors = [];
    for (const [name, variable] of this.parameters) {
      tensors.push({ name, shape: variable.shape, values: (await variable.data()) as Float32Array });
    }
    savePretrainedFiles(dir, this.config, tensors);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const variable of this.parameters.values()) variable.dispose();
    tf.dispose(Object.values(this.constants));
  }

  /** Validates the inputs and builds what every layer shares: mode, shape, additive attention mask. */
  private prepare(inputs: ModelInputs, options: ForwardOptions): { ctx: ForwardContext; shape: Shape; maskBias: tf.Tensor4D } {
    if (this.disposed) throw new Error('RobertaForSequenceClassification: the model has been disposed');
    const { inputIds } = inputs;
    if (inputIds.rank !== 2 || inputIds.dtype !== 'int32') {
      throw new Error(`forward: inputIds must be an int32 [batch, seq] tensor, found ${inputIds.dtype} [${inputIds.shape.join(', ')}]`);
    }
    const [batch, seq] = inputIds.shape;
    const maxLength = maxSequenceLength(this.config);
    if (seq > maxLength) {
      throw new Error(`forward: sequence length ${seq} exceeds ${maxLength}, the most this model's ${this.config.max_position_embeddings} position embeddings allow`);
    }
    const mask = inputs.attentionMask ?? tf.onesLike(inputIds);
    if (mask.shape[0] !== batch || mask.shape[1] !== seq) {
      throw new Error(`forward: attentionMask is [${mask.shape.join(', ')}], inputIds [${batch}, ${seq}]`);
    }
    this.checkInputValues(inputIds, inputs.attentionMask);
    const c = this.constants;
    const maskBias = tf.reshape(tf.mul(tf.sub(c.one, tf.cast(mask, 'float32')), c.maskFill), [batch, 1, 1, seq]) as tf.Tensor4D;
    const seed = options.dropoutSeed ?? siteSeed(0x5eed, this.unseededDropoutCalls++);
    return { ctx: new ForwardContext(options.training, seed), shape: { batch, seq }, maskBias };
  }

  /** Ids outside the vocabulary would read another row silently, a mask value other than 0/1 scale the bias. */
  private checkInputValues(inputIds: tf.Tensor2D, mask: tf.Tensor2D | undefined): void {
    const seqLength = inputIds.shape[1];
    checkModelInputs(
      {
        inputIds: { values: inputIds.dataSync(), seqLength },
        attentionMask: mask === undefined ? null : { values: mask.dataSync(), seqLength },
      },
      { source: 'forward', vocabSize: this.config.vocab_size },
    );
  }
}

/** Hugging Face's _init_weights: normal(0, initializer_range), padding rows zeroed, LayerNorm 1/0, biases 0. */
function initialValue(spec: ParameterSpec, config: RobertaConfig, seed: number, index: number): tf.Tensor {
  if (spec.init === 'zeros') return tf.zeros(spec.shape);
  if (spec.init === 'ones') return tf.ones(spec.shape);
  return tf.tidy(() => {
    const values = tf.randomNormal(spec.shape, 0, config.initializer_range, 'float32', siteSeed(seed, index));
    if (spec.paddingRow === undefined) return values;
    const keep = tf.oneHot(tf.tensor1d([spec.paddingRow], 'int32'), spec.shape[0]).reshape([spec.shape[0], 1]);
    return tf.mul(values, tf.sub(1, keep));
  });
}

// ---------------------------------------------------------------------------------------------
// Masked-language modelling: RobertaForMaskedLM (roberta.* without the pooler, then lm_head)
//
// lm_head (RobertaLMHead): dense -> exact GELU -> layer_norm -> decoder. The decoder's weight is the
// word-embedding variable itself, tied as Hugging Face ties them, so one variable receives the sum
// of the lookup's and the projection's gradients; the decoder's bias is lm_head.bias.

/** Labels equal to this are not predicted (PyTorch CrossEntropyLoss's ignore_index). */
export const IGNORE_INDEX = -100;

class RobertaLMHead {
  private readonly dense: Linear;
  private readonly layerNorm: LayerNorm;
  private readonly bias: tf.Variable;
  private readonly gelu: (x: tf.Tensor2D) => tf.Tensor2D;

  constructor(
    params: ParameterTable,
    constants: Constants,
    private readonly decoderWeight: tf.Variable,
  ) {
    this.dense = params.linear('lm_head.dense');
    this.layerNorm = params.layerNorm('lm_head.layer_norm', constants);
    this.bias = params.get('lm_head.bias');
    this.gelu = exactGelu(constants);
  }

  /** [n, hidden] -> [n, vocab], or [n, candidates] when only `vocabularyIds` are scored. */
  forward(hidden: tf.Tensor2D, vocabularyIds?: tf.Tensor1D): tf.Tensor2D {
    const features = this.layerNorm.apply(this.gelu(this.dense.apply(hidden)));
    const weight = vocabularyIds === undefined ? this.decoderWeight : tf.gather(this.decoderWeight, vocabularyIds);
    const bias = vocabularyIds === undefined ? this.bias : tf.gather(this.bias, vocabularyIds);
    return tf.add(tf.matMul(features, weight, false, true), bias);
  }
}

/**
 * Mean over rows of −log softmax(logits)[label], with the gradient (softmax − onehot) / rows in one
 * step: the vocabulary-wide tensors of the generic backward pass are what MLM training pays most for.
 */
function meanCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [rows, classes] = logits.shape;
  const op = customOp(([x], save) => {
    const logProbabilities = tf.logSoftmax(x);
    const flatIndex = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(classes, 'int32')), labels);
    save([logProbabilities, labels]);
    return {
      value: tf.neg(tf.mean(tf.gather(tf.reshape(logProbabilities, [-1]), flatIndex))),
      gradFunc: (dy, [saved, savedLabels]) => {
        // A one-hot by comparison: tfjs-backend-wasm 4.22's OneHot with dtype float32 writes the integer
        // bit pattern of 1 (a float32 of 1.4e-45), not 1.0.
        const classIds = tf.range(0, classes, 1, 'int32').reshape([1, classes]);
        const oneHot = tf.cast(tf.equal(classIds, savedLabels.reshape([rows, 1])), 'float32');
        return tf.mul(tf.sub(tf.exp(saved), oneHot), tf.div(dy, rows));
      },
    };
  });
  return op(logits) as tf.Scalar;
}

/** Flat positions (row * seq + column) of the labels that are predicted, and those labels. */
export function maskedPositions(labels: ArrayLike<number>): { positions: Int32Array; labels: Int32Array } {
  const positions: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === IGNORE_INDEX) continue;
    positions.push(i);
    targets.push(labels[i]);
  }
  return { positions: Int32Array.from(positions), labels: Int32Array.from(targets) };
}

export interface MaskedLmForwardOptions extends ForwardOptions {
  /**
   * Score only these token ids (int32 [candidates]; logits then index into this list). A cheaper
   * softmax over the ids a corpus uses: an approximation for pretraining, not Hugging Face's model.
   */
  vocabularyIds?: tf.Tensor1D;
}

export class RobertaForMaskedLM {
  readonly config: RobertaConfig;
  /** Hugging Face state-dict name -> variable; the decoder is `roberta.embeddings.word_embeddings.weight`. */
  readonly parameters: Map<string, tf.Variable>;
  /** What fromPretrained found: missing, unexpected and ignored checkpoint tensors. */
  loadReport: LoadReport | null = null;

  private readonly constants: Constants;
  private readonly embeddings: RobertaEmbeddings;
  private readonly encoder: RobertaEncoder;
  private readonly lmHead: RobertaLMHead;
  private unseededDropoutCalls = 0;
  private disposed = false;

  private constructor(config: RobertaConfig, seed: number, initialValues: Map<string, Float32Array>) {
    this.config = config;
    const id = nextModelId++;
    this.parameters = new Map();
    maskedLmParameterSpecs(config).forEach((spec, index) => {
      const loaded = initialValues.get(spec.name);
      const initial =
        loaded !== undefined ? tf.tensor(loaded, spec.shape, 'float32') : initialValue(spec, config, seed, index);
      this.parameters.set(spec.name, tf.variable(initial, true, `roberta_mlm_${id}/${spec.name}`));
      initial.dispose();
    });
    this.constants = createConstants(config);
    const params = new ParameterTable(this.parameters);
    this.embeddings = new RobertaEmbeddings(config, params, this.constants);
    this.encoder = new RobertaEncoder(config, params, this.constants);
    this.lmHead = new RobertaLMHead(params, this.constants, params.get('roberta.embeddings.word_embeddings.weight'));
  }

  /** A freshly initialised model, as Hugging Face initialises one (seeded). */
  static fromConfig(
    config: RobertaConfig | Partial<RobertaConfig>,
    options: FromConfigOptions = {},
  ): RobertaForMaskedLM {
    return new RobertaForMaskedLM(robertaConfig(config), options.seed ?? 0, new Map());
  }

  /**
   * Loads a Hugging Face checkpoint (as RobertaForSequenceClassification.fromPretrained does).
   * `lm_head.decoder.weight` is the tied word embeddings and `lm_head.decoder.bias` is `lm_head.bias`:
   * checkpoints with or without them load. The pooler is dropped, a missing lm_head initialised fresh.
   */
  static async fromPretrained(dirOrHubId: string, options: PretrainedOptions = {}): Promise<RobertaForMaskedLM> {
    const architecture = 'RobertaForMaskedLM';
    const specsOf = maskedLmParameterSpecs;
    const { config, values, report } = await loadPretrainedValues(dirOrHubId, options, architecture, specsOf);
    const model = new RobertaForMaskedLM(config, options.seed ?? 0, values);
    model.loadReport = report;
    return model;
  }

  /** The trainable variables, in state-dict order (the tied decoder is not a second variable). */
  trainableVariables(): tf.Variable[] {
    return [...this.parameters.values()];
  }

  numParameters(): number {
    let total = 0;
    for (const variable of this.parameters.values()) total += variable.size;
    return total;
  }

  /** Logits over the vocabulary at every position: [batch, seq, vocab]. */
  forward(inputs: ModelInputs, options: ForwardOptions): tf.Tensor3D {
    return tf.tidy(() => {
      const { hidden, shape } = this.lastHiddenState(inputs, options);
      return tf.reshape(this.lmHead.forward(hidden), [shape.batch, shape.seq, -1]);
    });
  }

  /**
   * Logits only at `positions` (int32 [n], flat row * seq + column): [n, vocab], or [n, candidates]
   * with `vocabularyIds`. The same numbers as forward() there, for a fraction of the projection's work.
   */
  forwardAtPositions(inputs: ModelInputs, positions: tf.Tensor1D, options: MaskedLmForwardOptions): tf.Tensor2D {
    return tf.tidy(() => {
      const { hidden, shape } = this.lastHiddenState(inputs, options);
      const count = shape.batch * shape.seq;
      if (positions.rank !== 1 || positions.dtype !== 'int32') {
        throw new Error(
          `forwardAtPositions: positions must be an int32 [n] tensor, found ${positions.dtype} [${positions.shape.join(', ')}]`,
        );
      }
      const flat = positions.dataSync();
      const bad = flat.findIndex((p) => p < 0 || p >= count);
      if (bad >= 0) {
        const where = `outside [0, ${count}) for a [${shape.batch}, ${shape.seq}] batch`;
        throw new Error(`forwardAtPositions: positions[${bad}] is ${flat[bad]}, ${where}`);
      }
      return this.lmHead.forward(tf.gather(hidden, positions), options.vocabularyIds);
    });
  }

  /** Mean cross-entropy of `logits` [n, classes] against int32 `labels` [n] (indices into the classes). */
  loss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
    const [rows, classes] = logits.shape;
    if (labels.rank !== 1 || labels.shape[0] !== rows) {
      throw new Error(`loss: labels must be [${rows}], found [${labels.shape.join(', ')}]`);
    }
    if (rows === 0) throw new Error('loss: no masked positions to predict (every label is -100)');
    const values = labels.dataSync();
    const bad = values.findIndex((v) => v < 0 || v >= classes);
    if (bad >= 0) throw new Error(`loss: label ${values[bad]} at ${bad} is outside [0, ${classes})`);
    return tf.tidy(() => meanCrossEntropy(logits, tf.cast(labels, 'int32')));
  }

  /**
   * Hugging Face's MLM loss: labels [batch, seq] hold the original id at predicted positions and
   * -100 elsewhere; the mean cross-entropy over the predicted positions, projected only there.
   */
  maskedLmLoss(inputs: ModelInputs, labels: tf.Tensor2D, options: ForwardOptions): tf.Scalar {
    if (labels.shape[0] !== inputs.inputIds.shape[0] || labels.shape[1] !== inputs.inputIds.shape[1]) {
      const found = `[${labels.shape.join(', ')}], inputIds [${inputs.inputIds.shape.join(', ')}]`;
      throw new Error(`maskedLmLoss: labels are ${found}`);
    }
    const picked = maskedPositions(labels.dataSync());
    return tf.tidy(() => {
      const logits = this.forwardAtPositions(inputs, tf.tensor1d(picked.positions, 'int32'), options);
      return this.loss(logits, tf.tensor1d(picked.labels, 'int32'));
    });
  }

  /** Writes config.json and model.safetensors as save_pretrained does: no lm_head.decoder.* (tied). */
  async savePretrained(dir: string): Promise<void> {
    const tensors = [];
    for (const [name, variable] of this.parameters) {
      tensors.push({ name, shape: variable.shape, values: (await variable.data()) as Float32Array });
    }
    savePretrainedFiles(dir, this.config, tensors, 'RobertaForMaskedLM');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const variable of this.parameters.values()) variable.dispose();
    tf.dispose(Object.values(this.constants));
  }

  /** The encoder's output at every position, [batch * seq, hidden]. */
  private lastHiddenState(inputs: ModelInputs, options: ForwardOptions): { hidden: tf.Tensor2D; shape: Shape } {
    if (this.disposed) throw new Error('RobertaForMaskedLM: the model has been disposed');
    const seed = options.dropoutSeed ?? siteSeed(0x5eed, this.unseededDropoutCalls++);
    const { shape, maskBias } = prepareInputs(this.config, this.constants, inputs);
    const ctx = new ForwardContext(options.training, seed);
    const embedded = this.embeddings.forward(inputs.inputIds, ctx);
    return { hidden: this.encoder.forward(embedded, maskBias, shape, ctx, false), shape };
  }
}

function createConstants(config: RobertaConfig): Constants {
  return {
    one: tf.scalar(1),
    maskFill: tf.scalar(MASK_FILL),
    layerNormEps: tf.scalar(config.layer_norm_eps),
    attentionScale: tf.scalar(1 / Math.sqrt(config.hidden_size / config.num_attention_heads)),
    half: tf.scalar(0.5),
    invSqrt2: tf.scalar(Math.SQRT1_2),
    invSqrt2Pi: tf.scalar(1 / Math.sqrt(2 * Math.PI)),
    minusHalf: tf.scalar(-0.5),
  };
}

/** The MLM's input checks (the classifier's, with the same messages) and the additive attention mask. */
function prepareInputs(
  config: RobertaConfig,
  c: Constants,
  inputs: ModelInputs,
): { shape: Shape; maskBias: tf.Tensor4D } {
  const { inputIds } = inputs;
  if (inputIds.rank !== 2 || inputIds.dtype !== 'int32') {
    const found = `${inputIds.dtype} [${inputIds.shape.join(', ')}]`;
    throw new Error(`forward: inputIds must be an int32 [batch, seq] tensor, found ${found}`);
  }
  const [batch, seq] = inputIds.shape;
  const maxLength = maxSequenceLength(config);
  if (seq > maxLength) {
    const positions = config.max_position_embeddings;
    throw new Error(`forward: sequence length ${seq} exceeds ${maxLength}, the most ${positions} position embeddings allow`);
  }
  const ids = inputIds.dataSync();
  const bad = ids.findIndex((id) => id < 0 || id >= config.vocab_size);
  if (bad >= 0) {
    const where = `[${Math.floor(bad / seq)}, ${bad % seq}]`;
    throw new Error(`forward: token id ${ids[bad]} at ${where} is outside the vocabulary (vocab_size ${config.vocab_size})`);
  }
  const mask = inputs.attentionMask ?? tf.onesLike(inputIds);
  if (mask.shape[0] !== batch || mask.shape[1] !== seq) {
    throw new Error(`forward: attentionMask is [${mask.shape.join(', ')}], inputIds [${batch}, ${seq}]`);
  }
  const maskFill = tf.mul(tf.sub(c.one, tf.cast(mask, 'float32')), c.maskFill);
  const maskBias = tf.reshape(maskFill, [batch, 1, 1, seq]) as tf.Tensor4D;
  return { shape: { batch, seq }, maskBias };
}
