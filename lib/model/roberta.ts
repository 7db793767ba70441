// RoBERTa in tfjs, following Hugging Face's modeling_roberta.py: one class per checkpoint module, and
// attribute paths equal to the state-dict keys (`roberta.encoder.layer[0].attention.self.query` holds
// `roberta.encoder.layer.0.attention.self.query.{weight,bias}`). Read top to bottom: embeddings ->
// self-attention -> layer -> encoder -> heads -> the two models. The tfjs plumbing is in ops.ts.
//
// Hidden states travel as 2-D [batch * seq, hidden] tensors so every dense layer is one plain
// matMul; only attention reshapes to [batch, heads, seq, headDim].
import * as tf from '@tensorflow/tfjs';
import { robertaConfig, maxSequenceLength, type RobertaConfig } from './config';
import { parameterSpecs, maskedLmParameterSpecs, type ParameterSpec } from './parameters';
import { checkLabels, checkModelInputs } from './inputs';
import {
  loadPretrainedValues,
  savePretrainedFiles,
  type LoadReport,
  type PretrainedOptions,
  type RobertaArchitecture,
} from './pretrained';
import { siteSeed } from '../random';
import {
  createConstants,
  embeddingLookup,
  exactGelu,
  ForwardContext,
  initialValue,
  meanCrossEntropy,
  ParameterTable,
  type Constants,
  type LayerNorm,
  type Linear,
  type Shape,
} from './ops';

// roberta.embeddings: word + position + token type, LayerNorm, dropout.
class RobertaEmbeddings {
  readonly word_embeddings: tf.Variable;
  readonly position_embeddings: tf.Variable;
  readonly token_type_embeddings: tf.Variable;
  readonly LayerNorm: LayerNorm;

  constructor(
    private readonly config: RobertaConfig,
    params: ParameterTable,
  ) {
    this.word_embeddings = params.get('roberta.embeddings.word_embeddings.weight');
    this.position_embeddings = params.get('roberta.embeddings.position_embeddings.weight');
    this.token_type_embeddings = params.get('roberta.embeddings.token_type_embeddings.weight');
    this.LayerNorm = params.layerNorm('roberta.embeddings.LayerNorm');
  }

  /** [batch, seq] ids -> [batch * seq, hidden]. */
  forward(inputIds: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    const pad = this.config.pad_token_id;
    const ids = tf.reshape(inputIds, [-1]) as tf.Tensor1D;
    const words = embeddingLookup(this.word_embeddings, ids, pad);
    const positions = embeddingLookup(this.position_embeddings, positionIds(inputIds, pad), pad);
    // RoBERTa has a single token type: every token adds row 0.
    const tokenType = tf.slice(this.token_type_embeddings, [0, 0], [1, this.config.hidden_size]);
    const summed: tf.Tensor2D = tf.add(tf.add(words, positions), tokenType);
    return ctx.dropout(this.LayerNorm.apply(summed), this.config.hidden_dropout_prob);
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

// roberta.encoder.layer.N.attention.self: scaled dot-product attention over all heads.
class RobertaSelfAttention {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  private readonly heads: number;
  private readonly headDim: number;

  constructor(
    private readonly config: RobertaConfig,
    params: ParameterTable,
    prefix: string,
    private readonly constants: Constants,
  ) {
    this.query = params.linear(`${prefix}.query`);
    this.key = params.linear(`${prefix}.key`);
    this.value = params.linear(`${prefix}.value`);
    this.heads = config.num_attention_heads;
    this.headDim = config.hidden_size / config.num_attention_heads;
  }

  /**
   * Attention of `queries` over all tokens of `hidden` ([batch * seq, hidden]). `queries` is either
   * `hidden` itself or its first token per row ([batch, hidden]) when only <s> is needed.
   */
  forward(hidden: tf.Tensor2D, queries: tf.Tensor2D, pass: ForwardPass): tf.Tensor2D {
    const { batch, seq } = pass.shape;
    const queryLength = queries.shape[0] / batch;
    const split = (x: tf.Tensor, length: number): tf.Tensor4D =>
      tf.reshape(x, [batch, length, this.heads, this.headDim]);
    // Scaling q by 1/√d before the product instead of the scores after it: less work, and the
    // same numbers when √d is a power of two (d = 64 in roberta-base, 16 in the fixture).
    const scaledQuery = tf.mul(this.query.apply(queries), this.constants.attentionScale);
    const q = tf.transpose(split(scaledQuery, queryLength), [0, 2, 1, 3]); // [batch, heads, queryLength, headDim]
    const kT = tf.transpose(split(this.key.apply(hidden), seq), [0, 2, 3, 1]); // [batch, heads, headDim, seq]
    const v = tf.transpose(split(this.value.apply(hidden), seq), [0, 2, 1, 3]); // [batch, heads, seq, headDim]
    const scores = tf.add(tf.matMul(q, kT), pass.maskBias); // [batch, heads, queryLength, seq]
    const probabilities = pass.ctx.dropout(tf.softmax(scores), this.config.attention_probs_dropout_prob);
    const context = tf.transpose(tf.matMul(probabilities, v), [0, 2, 1, 3]); // [batch, queryLength, heads, headDim]
    return tf.reshape(context, [batch * queryLength, this.config.hidden_size]);
  }
}

// roberta.encoder.layer.N.attention.output and roberta.encoder.layer.N.output: dense, dropout, residual, LayerNorm.
class RobertaResidualOutput {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;

  constructor(
    private readonly config: RobertaConfig,
    params: ParameterTable,
    prefix: string,
  ) {
    this.dense = params.linear(`${prefix}.dense`);
    this.LayerNorm = params.layerNorm(`${prefix}.LayerNorm`);
  }

  forward(hidden: tf.Tensor2D, residual: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    const projected = ctx.dropout(this.dense.apply(hidden), this.config.hidden_dropout_prob);
    return this.LayerNorm.apply(tf.add<tf.Tensor2D>(projected, residual));
  }
}

// roberta.encoder.layer.N.attention
class RobertaAttention {
  readonly self: RobertaSelfAttention;
  readonly output: RobertaResidualOutput;

  constructor(config: RobertaConfig, params: ParameterTable, prefix: string, constants: Constants) {
    this.self = new RobertaSelfAttention(config, params, `${prefix}.self`, constants);
    this.output = new RobertaResidualOutput(config, params, `${prefix}.output`);
  }

  forward(hidden: tf.Tensor2D, queries: tf.Tensor2D, pass: ForwardPass): tf.Tensor2D {
    return this.output.forward(this.self.forward(hidden, queries, pass), queries, pass.ctx);
  }
}

// roberta.encoder.layer.N.intermediate: dense then exact GELU.
class RobertaIntermediate {
  readonly dense: Linear;
  private readonly gelu: (x: tf.Tensor2D) => tf.Tensor2D;

  constructor(params: ParameterTable, prefix: string, constants: Constants) {
    this.dense = params.linear(`${prefix}.dense`);
    this.gelu = exactGelu(constants);
  }

  forward(hidden: tf.Tensor2D): tf.Tensor2D {
    return this.gelu(this.dense.apply(hidden));
  }
}

// roberta.encoder.layer.N: attention, then the feed-forward (intermediate, output).
class RobertaLayer {
  readonly attention: RobertaAttention;
  readonly intermediate: RobertaIntermediate;
  readonly output: RobertaResidualOutput;

  constructor(config: RobertaConfig, params: ParameterTable, index: number, constants: Constants) {
    const prefix = `roberta.encoder.layer.${index}`;
    this.attention = new RobertaAttention(config, params, `${prefix}.attention`, constants);
    this.intermediate = new RobertaIntermediate(params, `${prefix}.intermediate`, constants);
    this.output = new RobertaResidualOutput(config, params, `${prefix}.output`);
  }

  forward(hidden: tf.Tensor2D, queries: tf.Tensor2D, pass: ForwardPass): tf.Tensor2D {
    const attended = this.attention.forward(hidden, queries, pass);
    return this.output.forward(this.intermediate.forward(attended), attended, pass.ctx);
  }
}

// roberta.encoder
class RobertaEncoder {
  readonly layer: RobertaLayer[];

  constructor(config: RobertaConfig, params: ParameterTable, constants: Constants) {
    this.layer = Array.from(
      { length: config.num_hidden_layers },
      (_, i) => new RobertaLayer(config, params, i, constants),
    );
  }

  /**
   * Runs the layers over [batch * seq, hidden]. With `firstTokenOnly` the last layer computes only
   * the <s> rows ([batch, hidden]): the head reads nothing else, and every other row's output in
   * that layer has no influence on it, so the logits and gradients are the same for 1/seq of the
   * last layer's queries and feed-forward work. `everyLayer` receives each layer's output.
   */
  forward(
    hidden: tf.Tensor2D,
    pass: ForwardPass,
    firstTokenOnly: boolean,
    everyLayer?: (output: tf.Tensor2D) => void,
  ): tf.Tensor2D {
    let current = hidden;
    for (let i = 0; i < this.layer.length; i++) {
      current = this.layerForward(i, current, pass, firstTokenOnly);
      everyLayer?.(current);
    }
    return current;
  }

  /** Layer `index` over `hidden`; the last one reads only the <s> rows with `firstTokenOnly`. */
  layerForward(index: number, hidden: tf.Tensor2D, pass: ForwardPass, firstTokenOnly: boolean): tf.Tensor2D {
    const last = index === this.layer.length - 1;
    const queries = last && firstTokenOnly ? firstTokens(hidden, pass.shape) : hidden;
    return this.layer[index].forward(hidden, queries, pass);
  }
}

/** The <s> row of each sequence: [batch * seq, hidden] -> [batch, hidden]. */
function firstTokens(hidden: tf.Tensor2D, { batch, seq }: Shape): tf.Tensor2D {
  const width = hidden.shape[1];
  return tf.reshape(tf.slice(tf.reshape(hidden, [batch, seq, width]), [0, 0, 0], [batch, 1, width]), [batch, width]);
}

// roberta: the body both models share (no pooler: neither head reads it).
class RobertaModel {
  readonly embeddings: RobertaEmbeddings;
  readonly encoder: RobertaEncoder;

  constructor(config: RobertaConfig, params: ParameterTable, constants: Constants) {
    this.embeddings = new RobertaEmbeddings(config, params);
    this.encoder = new RobertaEncoder(config, params, constants);
  }
}

// classifier (RobertaClassificationHead): <s> -> dropout -> dense -> tanh -> dropout -> out_proj
class RobertaClassificationHead {
  readonly dense: Linear;
  readonly out_proj: Linear;
  private readonly dropoutRate: number;

  constructor(config: RobertaConfig, params: ParameterTable) {
    this.dense = params.linear('classifier.dense');
    this.out_proj = params.linear('classifier.out_proj');
    this.dropoutRate = config.classifier_dropout ?? config.hidden_dropout_prob;
  }

  /** [batch, hidden] (the <s> states) -> [batch, numLabels]. */
  forward(firstTokenStates: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    const x = tf.tanh(this.dense.apply(ctx.dropout(firstTokenStates, this.dropoutRate)));
    return this.out_proj.apply(ctx.dropout(x, this.dropoutRate));
  }
}

// lm_head (RobertaLMHead): dense -> exact GELU -> layer_norm -> decoder. The decoder's weight is the
// word-embedding variable itself, tied as Hugging Face ties them, so one variable receives the sum
// of the lookup's and the projection's gradients; the decoder's bias is lm_head.bias.
class RobertaLMHead {
  readonly dense: Linear;
  readonly layer_norm: LayerNorm;
  readonly bias: tf.Variable;
  private readonly gelu: (x: tf.Tensor2D) => tf.Tensor2D;

  constructor(
    params: ParameterTable,
    constants: Constants,
    private readonly decoderWeight: tf.Variable,
  ) {
    this.dense = params.linear('lm_head.dense');
    this.layer_norm = params.layerNorm('lm_head.layer_norm');
    this.bias = params.get('lm_head.bias');
    this.gelu = exactGelu(constants);
  }

  /** [n, hidden] -> [n, vocab]. */
  forward(hidden: tf.Tensor2D): tf.Tensor2D {
    const features = this.layer_norm.apply(this.gelu(this.dense.apply(hidden)));
    return tf.add(tf.matMul(features, this.decoderWeight, false, true), this.bias);
  }
}

// ---------------------------------------------------------------------------------------------
// The models

/** What every layer of one forward pass shares: mode and dropout seeds, the batch shape, the additive mask. */
interface ForwardPass {
  ctx: ForwardContext;
  shape: Shape;
  maskBias: tf.Tensor4D;
}

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

/** What both models share: the variables by Hugging Face name, the body, input checks, saving, disposal. */
abstract class RobertaPreTrainedModel {
  /** Hugging Face state-dict name -> variable, in state-dict order. */
  readonly parameters: Map<string, tf.Variable>;
  /** What fromPretrained found: missing, unexpected and ignored checkpoint tensors. */
  loadReport: LoadReport | null = null;
  readonly roberta: RobertaModel;

  protected readonly constants: Constants;
  protected readonly params: ParameterTable;
  private unseededDropoutCalls = 0;
  private disposed = false;

  /** `initialValues` supplies loaded values by name; the rest is initialised as Hugging Face does. */
  protected constructor(
    readonly config: RobertaConfig,
    private readonly architecture: RobertaArchitecture,
    specs: ParameterSpec[],
    seed: number,
    initialValues: Map<string, Float32Array>,
  ) {
    const variablePrefix = architecture === 'RobertaForMaskedLM' ? 'roberta_mlm' : 'roberta_model';
    const id = nextModelId++;
    this.parameters = new Map();
    specs.forEach((spec, index) => {
      const loaded = initialValues.get(spec.name);
      const initial =
        loaded !== undefined ? tf.tensor(loaded, spec.shape, 'float32') : initialValue(spec, config, seed, index);
      this.parameters.set(spec.name, tf.variable(initial, true, `${variablePrefix}_${id}/${spec.name}`));
      initial.dispose();
    });
    this.constants = createConstants(config);
    this.params = new ParameterTable(this.parameters, this.constants);
    this.roberta = new RobertaModel(config, this.params, this.constants);
  }

  /** The trainable variables, in state-dict order (what an optimizer updates; a tied weight is one variable). */
  trainableVariables(): tf.Variable[] {
    return [...this.parameters.values()];
  }

  numParameters(): number {
    let total = 0;
    for (const variable of this.parameters.values()) total += variable.size;
    return total;
  }

  /** Writes config.json and model.safetensors (F32, Hugging Face names), each atomically. */
  async savePretrained(dir: string): Promise<void> {
    const tensors = [];
    for (const [name, variable] of this.parameters) {
      tensors.push({ name, shape: variable.shape, values: (await variable.data()) as Float32Array });
    }
    savePretrainedFiles(dir, this.config, tensors, this.architecture);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const variable of this.parameters.values()) variable.dispose();
    tf.dispose(Object.values(this.constants));
  }

  /** Validates the inputs and builds what every layer shares: mode, shape, additive attention mask. */
  protected prepare(inputs: ModelInputs, options: ForwardOptions): ForwardPass {
    if (this.disposed) throw new Error(`${this.architecture}: the model has been disposed`);
    const { inputIds } = inputs;
    if (inputIds.rank !== 2 || inputIds.dtype !== 'int32') {
      throw new Error(
        `forward: inputIds must be an int32 [batch, seq] tensor, found ${inputIds.dtype} ` +
          `[${inputIds.shape.join(', ')}]`,
      );
    }
    const [batch, seq] = inputIds.shape;
    const maxLength = maxSequenceLength(this.config);
    if (seq > maxLength) {
      const positions = this.config.max_position_embeddings;
      throw new Error(
        `forward: sequence length ${seq} exceeds ${maxLength}, the most this model's ${positions} position ` +
          `embeddings allow`,
      );
    }
    const mask = inputs.attentionMask ?? tf.onesLike(inputIds);
    if (mask.shape[0] !== batch || mask.shape[1] !== seq) {
      throw new Error(`forward: attentionMask is [${mask.shape.join(', ')}], inputIds [${batch}, ${seq}]`);
    }
    // Ids outside the vocabulary would read another row silently, a mask value other than 0/1 scale the bias.
    checkModelInputs(
      {
        inputIds: { values: inputIds.dataSync(), seqLength: seq },
        attentionMask:
          inputs.attentionMask === undefined ? null : { values: inputs.attentionMask.dataSync(), seqLength: seq },
      },
      { source: 'forward', vocabSize: this.config.vocab_size },
    );
    const c = this.constants;
    const maskBias = tf.reshape(tf.mul(tf.sub(c.one, tf.cast(mask, 'float32')), c.maskFill), [
      batch,
      1,
      1,
      seq,
    ]) as tf.Tensor4D;
    const seed = options.dropoutSeed ?? siteSeed(0x5eed, this.unseededDropoutCalls++);
    return { ctx: new ForwardContext(options.training, seed), shape: { batch, seq }, maskBias };
  }
}

/** Makes a model from a config, an initialisation seed and loaded values by name. */
type BuildModel<M> = (config: RobertaConfig, seed: number, values: Map<string, Float32Array>) => M;

/** Reads a checkpoint's config and tensors, builds the model from them and records the load report. */
async function loadPretrainedModel<M extends RobertaPreTrainedModel>(
  dirOrHubId: string,
  options: PretrainedOptions,
  architecture: RobertaArchitecture,
  specsOf: (config: RobertaConfig) => ParameterSpec[],
  build: BuildModel<M>,
): Promise<M> {
  const { config, values, report } = await loadPretrainedValues(dirOrHubId, options, architecture, specsOf);
  const model = build(config, options.seed ?? 0, values);
  model.loadReport = report;
  return model;
}

export class RobertaForSequenceClassification extends RobertaPreTrainedModel {
  readonly classifier: RobertaClassificationHead;

  /** Use fromConfig or fromPretrained. */
  private constructor(config: RobertaConfig, seed: number, initialValues: Map<string, Float32Array>) {
    super(config, 'RobertaForSequenceClassification', parameterSpecs(config), seed, initialValues);
    this.classifier = new RobertaClassificationHead(config, this.params);
  }

  /** A freshly initialised model, as Hugging Face initialises one (seeded). */
  static fromConfig(
    config: RobertaConfig | Partial<RobertaConfig>,
    options: FromConfigOptions = {},
  ): RobertaForSequenceClassification {
    return new RobertaForSequenceClassification(robertaConfig(config), options.seed ?? 0, new Map());
  }

  /**
   * Loads a Hugging Face checkpoint from a local folder or a Hub id: config.json plus
   * model.safetensors (or pytorch_model.bin, read by a restricted unpickler; sharded variants too).
   * Tensor names may carry the `roberta.` prefix or not; `roberta.pooler.*` and `lm_head.*` are
   * ignored; a missing classifier head is initialised fresh. `model.loadReport` says what happened.
   */
  static fromPretrained(
    dirOrHubId: string,
    options: PretrainedOptions = {},
  ): Promise<RobertaForSequenceClassification> {
    const build: BuildModel<RobertaForSequenceClassification> = (c, s, v) =>
      new RobertaForSequenceClassification(c, s, v);
    return loadPretrainedModel(dirOrHubId, options, 'RobertaForSequenceClassification', parameterSpecs, build);
  }

  /** Logits [batch, numLabels] from the <s> token. Tensors made on the way are disposed. */
  forward(inputs: ModelInputs, options: ForwardOptions): tf.Tensor2D {
    return tf.tidy(() => {
      const pass = this.prepare(inputs, options);
      const embedded = this.roberta.embeddings.forward(inputs.inputIds, pass.ctx);
      const firstTokenStates = this.roberta.encoder.forward(embedded, pass, true);
      return this.classifier.forward(firstTokenStates, pass.ctx);
    });
  }

  /**
   * The mean cross-entropy and its gradients by parameter name, holding only each layer's input
   * between the forward and the backward pass (gradient checkpointing, Hugging Face's
   * gradient_checkpointing). The forward pass runs without a tape; then, from the head down, each
   * layer runs again inside its own gradient computation, with the same dropout masks, and passes
   * the gradient of its input down. One layer's activations are in memory at a time instead of all
   * of them, for one more forward pass of compute. The numbers are those of variableGrads over
   * forward() and loss().
   */
  lossAndGradientsByLayer(
    inputs: ModelInputs,
    labels: tf.Tensor1D,
    options: ForwardOptions,
  ): { loss: tf.Scalar; grads: Map<string, tf.Tensor> } {
    // The pass's mask outlives this tidy; the tensors prepare() makes on the way do not.
    let pass!: ForwardPass;
    tf.tidy(() => {
      pass = this.prepare(inputs, options);
      return pass.maskBias;
    });
    const { ctx } = pass;
    const encoder = this.roberta.encoder;
    const layers = encoder.layer.length;
    const variablesOf = (prefix: string): Array<[string, tf.Variable]> =>
      [...this.parameters].filter(([name]) => name.startsWith(prefix));
    const grads = new Map<string, tf.Tensor>();
    // Gradients of f's output (weighted by dy) with respect to `input` and `variables`, which f reads.
    const segment = (
      input: tf.Tensor | null,
      variables: Array<[string, tf.Variable]>,
      f: () => tf.Tensor,
      dy: tf.Tensor,
    ): tf.Tensor | null => {
      const xs = [...(input === null ? [] : [input]), ...variables.map(([, v]) => v)];
      const computed = tf.grads(() => f())(xs, dy);
      const inputGrad = input === null ? null : computed.shift()!;
      variables.forEach(([name], i) => grads.set(name, computed[i]));
      return inputGrad;
    };
    const layerInputs: tf.Tensor2D[] = [];
    const layerStarts: number[] = [];
    try {
      const embeddingStart = ctx.position;
      let current = tf.tidy(() => this.roberta.embeddings.forward(inputs.inputIds, ctx));
      for (let i = 0; i < layers; i++) {
        layerInputs.push(current);
        layerStarts.push(ctx.position);
        const input = current;
        current = tf.tidy(() => encoder.layerForward(i, input, pass, true));
      }
      const headStart = ctx.position;
      const firstTokenStates = current;
      const head = variablesOf('classifier.');
      const { value: loss, grads: headGrads } = tf.valueAndGrads((...xs: tf.Tensor[]) =>
        this.loss(this.classifier.forward(xs[0] as tf.Tensor2D, ctx.at(headStart)), labels),
      )([firstTokenStates, ...head.map(([, v]) => v)]);
      head.forEach(([name], i) => grads.set(name, headGrads[i + 1]));
      firstTokenStates.dispose();
      let dy = headGrads[0];
      for (let i = layers - 1; i >= 0; i--) {
        const input = layerInputs[i];
        const replay: ForwardPass = { ...pass, ctx: ctx.at(layerStarts[i]) };
        const dx = segment(
          input,
          variablesOf(`roberta.encoder.layer.${i}.`),
          () => encoder.layerForward(i, input, replay, true),
          dy,
        )!;
        dy.dispose();
        dy = dx;
      }
      segment(
        null,
        variablesOf('roberta.embeddings.'),
        () => this.roberta.embeddings.forward(inputs.inputIds, ctx.at(embeddingStart)),
        dy,
      );
      dy.dispose();
      return { loss, grads };
    } catch (err) {
      tf.dispose([...grads.values()]);
      throw err;
    } finally {
      tf.dispose(layerInputs);
      pass.maskBias.dispose();
    }
  }

  /**
   * Every token's hidden states: [embedding output, layer 0 output, ...], each [batch, seq, hidden]
   * (HF's output_hidden_states). For inspection and tests; forward() skips the last layer's non-<s> rows.
   */
  hiddenStates(inputs: ModelInputs, options: ForwardOptions = { training: false }): tf.Tensor3D[] {
    return tf.tidy(() => {
      const pass = this.prepare(inputs, options);
      const as3d = (t: tf.Tensor2D): tf.Tensor3D =>
        tf.reshape(t, [pass.shape.batch, pass.shape.seq, this.config.hidden_size]);
      const embedded = this.roberta.embeddings.forward(inputs.inputIds, pass.ctx);
      const states: tf.Tensor3D[] = [as3d(embedded)];
      this.roberta.encoder.forward(embedded, pass, false, (output) => states.push(as3d(output)));
      return states;
    });
  }

  /** Mean cross-entropy of `logits` [batch, numLabels] against int32 `labels` [batch]. */
  loss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
    const problem =
      this.config.problem_type ?? (this.config.num_labels === 1 ? 'regression' : 'single_label_classification');
    if (problem !== 'single_label_classification') {
      throw new Error(
        `loss: this config's problem is ${problem}; only single-label classification (cross-entropy) is implemented`,
      );
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
}

/** Labels equal to this are not predicted (PyTorch CrossEntropyLoss's ignore_index). */
export const IGNORE_INDEX = -100;

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

/** RobertaForMaskedLM: roberta.* without the pooler, then lm_head over every (or every masked) position. */
export class RobertaForMaskedLM extends RobertaPreTrainedModel {
  readonly lm_head: RobertaLMHead;

  private constructor(config: RobertaConfig, seed: number, initialValues: Map<string, Float32Array>) {
    super(config, 'RobertaForMaskedLM', maskedLmParameterSpecs(config), seed, initialValues);
    this.lm_head = new RobertaLMHead(this.params, this.constants, this.roberta.embeddings.word_embeddings);
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
  static fromPretrained(dirOrHubId: string, options: PretrainedOptions = {}): Promise<RobertaForMaskedLM> {
    const build: BuildModel<RobertaForMaskedLM> = (c, s, v) => new RobertaForMaskedLM(c, s, v);
    return loadPretrainedModel(dirOrHubId, options, 'RobertaForMaskedLM', maskedLmParameterSpecs, build);
  }

  /** Logits over the vocabulary at every position: [batch, seq, vocab]. */
  forward(inputs: ModelInputs, options: ForwardOptions): tf.Tensor3D {
    return tf.tidy(() => {
      const { hidden, shape } = this.lastHiddenState(inputs, options);
      return tf.reshape(this.lm_head.forward(hidden), [shape.batch, shape.seq, -1]);
    });
  }

  /**
   * Logits only at `positions` (int32 [n], flat row * seq + column): [n, vocab]. The same numbers as
   * forward() there, for a fraction of the projection's work.
   */
  forwardAtPositions(inputs: ModelInputs, positions: tf.Tensor1D, options: ForwardOptions): tf.Tensor2D {
    return tf.tidy(() => {
      const { hidden, shape } = this.lastHiddenState(inputs, options);
      const count = shape.batch * shape.seq;
      if (positions.rank !== 1 || positions.dtype !== 'int32') {
        const found = `${positions.dtype} [${positions.shape.join(', ')}]`;
        throw new Error(`forwardAtPositions: positions must be an int32 [n] tensor, found ${found}`);
      }
      const flat = positions.dataSync();
      const bad = flat.findIndex((p) => p < 0 || p >= count);
      if (bad >= 0) {
        const where = `outside [0, ${count}) for a [${shape.batch}, ${shape.seq}] batch`;
        throw new Error(`forwardAtPositions: positions[${bad}] is ${flat[bad]}, ${where}`);
      }
      return this.lm_head.forward(tf.gather(hidden, positions));
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

  /** The encoder's output at every position, [batch * seq, hidden]. */
  private lastHiddenState(inputs: ModelInputs, options: ForwardOptions): { hidden: tf.Tensor2D; shape: Shape } {
    const pass = this.prepare(inputs, options);
    const embedded = this.roberta.embeddings.forward(inputs.inputIds, pass.ctx);
    return { hidden: this.roberta.encoder.forward(embedded, pass, false), shape: pass.shape };
  }
}
