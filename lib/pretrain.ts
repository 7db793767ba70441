// Masked-language-model pretraining the RoBERTa way (Liu et al. 2019), for a RobertaForMaskedLM on
// unlabelled texts:
//
//   const result = await pretrain({model, tokenizer, texts, heldOutTexts, maxSteps: 200, outputDir: 'runs/mlm'});
//
// - inputs: whole sentences packed contiguously across texts (</s> between texts) up to maxLength;
// - dynamic masking: a new 15% / 80-10-10 mask each time a sequence is fed, seeded by the batch counter;
// - no next-sentence objective; AdamW with beta2 0.98, epsilon 1e-6, warmup then linear decay;
// - the vocabulary projection only at the masked positions (the same loss, far less work);
// - optional `restrictVocabulary`: training runs on a copy of the model cut to the ids that occur in
//   the pretraining text (lib/compact-vocabulary.ts), so the softmax, the embedding gradient and its
//   Adam update cover those ids only; the result is copied back into the caller's model. An
//   approximation (ids absent from the text can never be predicted) that pays off when a corpus
//   uses few of the vocabulary's ids, as the offline corpus does (about 4,000 of 50,265);
// - checkpoints (lib/checkpoint.ts) every `checkpointSteps` and at the end; resume is exact because
//   the batch order, the masks and the dropout depend only on the seed and the counters.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { AdamOptimizer } from './optimizer';
import { makeSchedule, type LearningRateSchedule } from './schedule';
import { loadCheckpoint, restoreParameters, saveCheckpoint, replaceDirectory } from './checkpoint';
import { ProgressBar, type ProgressMode } from './display/progress';
import { yieldToEventLoop } from './display/output';
import { configToJson, maxSequenceLength, type RobertaConfig } from './model/config';
import { RobertaForMaskedLM, maskedPositions } from './model/roberta';
import { maskTokens, type MaskedTokens, type MaskingOptions } from './data/masking';
import { packSequences, splitSentences } from './data/packing';
import { batchSeed, hashSeed, mulberry32, permutation } from './random';
import { CompactVocabulary } from './compact-vocabulary';

/** What pretraining needs of a tokenizer (RobertaTokenizer has it). */
export interface PretrainTokenizer {
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly padTokenId: number;
  readonly maskTokenId: number;
  readonly vocabSize: number;
  encodeText(text: string): number[];
  isSpecialId(id: number): boolean;
  saveTo?(dir: string): void | Promise<void>;
}

export interface PretrainOptions {
  model: RobertaForMaskedLM;
  tokenizer: PretrainTokenizer;
  /** Unlabelled training texts. */
  texts: readonly string[];
  /** Texts for the final held-out loss and masked-token accuracy. */
  heldOutTexts?: readonly string[];
  /** Tokens per packed sequence, with <s> and </s> (default 256, at most what the model allows). */
  maxLength?: number;
  batchSize?: number;
  epochs?: number;
  /** Stop after this many optimizer steps (the schedule then spans them); default epochs × batches. */
  maxSteps?: number;
  learningRate?: number;
  /** Warm-up as a share of all steps (default 0.06). */
  warmupRatio?: number;
  weightDecay?: number;
  beta2?: number;
  epsilon?: number;
  /** Share of tokens picked for prediction (default 0.15). */
  mlmProbability?: number;
  /** Seeds the batch order, the masks and the dropout (default 42). */
  seed?: number;
  /** Train over the ids occurring in `texts` only (see the file comment). */
  restrictVocabulary?: boolean;
  /** Where checkpoints (outputDir/checkpoint) and the final model (outputDir/final) go; nothing is saved without it. */
  outputDir?: string;
  /** Save a checkpoint every this many steps (default 0: only at the end). */
  checkpointSteps?: number;
  /** A checkpoint folder to continue from. */
  resumeFrom?: string;
  signal?: AbortSignal;
  progress?: ProgressMode | false;
  log?: (line: string) => void;
}

export interface HeldOutResult {
  /** Mean cross-entropy over the held-out masked positions the training vocabulary's softmax can score. */
  loss: number;
  /** Share of masked positions whose original id is the model's top prediction. */
  accuracy: number;
  /** The same positions guessed with the most frequent token of the training text. */
  unigramAccuracy: number;
  maskedTokens: number;
  sequences: number;
}

export interface PretrainResult {
  steps: number;
  stopped: 'completed' | 'interrupted';
  /** Training loss of each step. */
  losses: number[];
  secondsPerStep: number;
  sequences: number;
  /** 'full' or the number of ids the softmax ran over. */
  vocabulary: 'full' | number;
  heldOut: HeldOutResult | null;
  finalModelDir: string | null;
}

/** The JSON part of a pretraining checkpoint. */
export interface PretrainState {
  version: 1;
  kind: 'mlm-pretraining';
  epoch: number;
  /** Batches of that epoch already trained on. */
  batchIndex: number;
  globalStep: number;
  /** Batches fed overall: seeds the masks and the dropout. */
  batchesSeen: number;
  seed: number;
  sequences: number;
  batchSize: number;
  maxLength: number;
  losses: number[];
}

export interface PackedBatch {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  batchSize: number;
  seqLength: number;
}

/** Sentences of each text tokenized, then packed into sequences. */
export function packTexts(texts: readonly string[], tokenizer: PretrainTokenizer, maxLength: number): number[][] {
  const documents = texts.map((text) => splitSentences(text).map((sentence) => tokenizer.encodeText(sentence)));
  return packSequences(documents, { maxLength, bosTokenId: tokenizer.bosTokenId, eosTokenId: tokenizer.eosTokenId });
}

/** Sequences padded with <pad> to the longest of them. */
export function collateSequences(sequences: readonly number[][], padTokenId: number): PackedBatch {
  const seqLength = Math.max(...sequences.map((s) => s.length));
  const inputIds = new Int32Array(sequences.length * seqLength).fill(padTokenId);
  const attentionMask = new Int32Array(sequences.length * seqLength);
  sequences.forEach((sequence, row) => {
    inputIds.set(sequence, row * seqLength);
    attentionMask.fill(1, row * seqLength, row * seqLength + sequence.length);
  });
  return { inputIds, attentionMask, batchSize: sequences.length, seqLength };
}

/** Sorted distinct non-special ids of the sequences: what `restrictVocabulary` scores. */
export function vocabularyOf(sequences: readonly number[][], isSpecialId: (id: number) => boolean): Int32Array {
  const seen = new Set<number>();
  for (const sequence of sequences) for (const id of sequence) if (!isSpecialId(id)) seen.add(id);
  return Int32Array.from([...seen].sort((a, b) => a - b));
}

/** The most frequent non-special id: the unigram guesser's answer for every masked position. */
export function mostFrequentId(sequences: readonly number[][], isSpecialId: (id: number) => boolean): number {
  const counts = new Map<number, number>();
  for (const sequence of sequences)
    for (const id of sequence) if (!isSpecialId(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  let best = -1;
  let bestCount = 0;
  for (const [id, count] of counts) {
    if (count > bestCount || (count === bestCount && id < best)) [best, bestCount] = [id, count];
  }
  return best;
}

/** A fresh, reproducible random source for the mask of the `counter`-th training (or held-out) batch. */
export function maskRng(seed: number, counter: number, purpose: 'train' | 'held-out' = 'train'): () => number {
  return mulberry32(hashSeed('mlm-mask', purpose, seed, counter));
}

export class Pretrainer {
  /** The model being trained: the caller's, or its compact copy with `restrictVocabulary`. */
  readonly model: RobertaForMaskedLM;
  readonly optimizer: AdamOptimizer;
  readonly sequences: number[][];
  readonly maxLength: number;
  readonly batchSize: number;
  readonly totalSteps: number;
  state: PretrainState;
  private readonly options: PretrainOptions;
  private readonly schedule: LearningRateSchedule;
  private readonly masking: MaskingOptions;
  /** With `restrictVocabulary`: the ids trained on; sequences, masks and labels then use compact ids. */
  private readonly vocabulary: CompactVocabulary | null;
  /** The step whose weights the caller's model holds (with `restrictVocabulary`). */
  private syncedAtStep = -1;

  constructor(options: PretrainOptions) {
    this.options = options;
    const { tokenizer } = options;
    this.maxLength = Math.min(options.maxLength ?? 256, maxSequenceLength(options.model.config));
    this.batchSize = options.batchSize ?? 16;
    if (!(Number.isInteger(this.batchSize) && this.batchSize >= 1))
      throw new Error(`pretrain: batchSize must be a positive integer, got ${this.batchSize}`);
    if (tokenizer.vocabSize > options.model.config.vocab_size) {
      throw new Error(
        `pretrain: the tokenizer has ${tokenizer.vocabSize} ids, the model's vocab_size is ` +
          `${options.model.config.vocab_size}`,
      );
    }
    const packed = packTexts(options.texts, tokenizer, this.maxLength);
    if (packed.length === 0) throw new Error('pretrain: no text to pretrain on (texts are empty)');
    const isSpecial = (id: number): boolean => tokenizer.isSpecialId(id) || id === tokenizer.padTokenId;
    const specials = [tokenizer.bosTokenId, tokenizer.eosTokenId, tokenizer.padTokenId, tokenizer.maskTokenId];
    const vocabulary = options.restrictVocabulary === true ? CompactVocabulary.fromSequences(packed, specials) : null;
    this.vocabulary = vocabulary;
    this.sequences = vocabulary === null ? packed : packed.map((sequence) => vocabulary.compactSequence(sequence));
    this.model = vocabulary === null ? options.model : vocabulary.compactModel(options.model);
    this.masking = {
      maskTokenId: this.modelId(tokenizer.maskTokenId),
      vocabSize: vocabulary?.size ?? tokenizer.vocabSize,
      isSpecialId: vocabulary === null ? isSpecial : (id) => isSpecial(vocabulary.ids[id]),
      probability: options.mlmProbability ?? 0.15,
    };
    const epochs = options.epochs ?? 1;
    const batchesPerEpoch = Math.ceil(this.sequences.length / this.batchSize);
    this.totalSteps = options.maxSteps ?? epochs * batchesPerEpoch;
    if (!(Number.isInteger(this.totalSteps) && this.totalSteps >= 1))
      throw new Error(`pretrain: maxSteps must be a positive integer, got ${this.totalSteps}`);
    const learningRate = options.learningRate ?? 5e-4;
    this.optimizer = new AdamOptimizer(this.model.parameters, {
      name: 'adamw',
      learningRate,
      beta1: 0.9,
      beta2: options.beta2 ?? 0.98,
      epsilon: options.epsilon ?? 1e-6,
      weightDecay: options.weightDecay ?? 0.01,
      noDecay: ['.bias', 'LayerNorm.', 'layer_norm.'],
    });
    this.schedule = makeSchedule({
      name: 'linear',
      learningRate,
      totalSteps: this.totalSteps,
      warmupRatio: options.warmupRatio ?? 0.06,
    });
    this.state = {
      version: 1,
      kind: 'mlm-pretraining',
      epoch: 0,
      batchIndex: 0,
      globalStep: 0,
      batchesSeen: 0,
      seed: options.seed ?? 42,
      sequences: this.sequences.length,
      batchSize: this.batchSize,
      maxLength: this.maxLength,
      losses: [],
    };
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.sequences.length / this.batchSize);
  }

  get checkpointDir(): string | null {
    return this.options.outputDir === undefined ? null : path.join(this.options.outputDir, 'checkpoint');
  }

  private log(line: string): void {
    (this.options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(line);
  }

  /** Batch `index` of `epoch`: the epoch's seeded shuffle of the sequences, cut into batches. */
  batch(epoch: number, index: number): PackedBatch {
    const order = permutation(mulberry32(hashSeed('mlm-order', this.state.seed, epoch)), this.sequences.length);
    const picked = order.slice(index * this.batchSize, (index + 1) * this.batchSize).map((i) => this.sequences[i]);
    return collateSequences(picked, this.padTokenId);
  }

  /** A tokenizer id as the trained model numbers it. */
  private modelId(id: number): number {
    return this.vocabulary === null ? id : this.vocabulary.compactId(id);
  }

  private get padTokenId(): number {
    return this.modelId(this.options.tokenizer.padTokenId);
  }

  /** Copies the compact model's training into the caller's model, once per step count. */
  private syncCallerModel(): void {
    if (this.vocabulary === null || this.syncedAtStep === this.state.globalStep) return;
    this.vocabulary.writeBack(this.model, this.options.model);
    this.syncedAtStep = this.state.globalStep;
  }

  /** A new mask for the batch about to be fed, drawn from the seed and the batch counter. */
  maskBatch(batch: PackedBatch): MaskedTokens {
    return maskTokens(batch.inputIds, maskRng(this.state.seed, this.state.batchesSeen), this.masking);
  }

  /** Masks the batch afresh, takes one AdamW step, returns the loss. */
  trainStep(batch: PackedBatch): number {
    const masked = this.maskBatch(batch);
    const picked = maskedPositions(masked.labels);
    const dropoutSeed = batchSeed(this.state.seed, this.state.batchesSeen);
    const { value, grads } = tf.tidy(() => {
      const shape: [number, number] = [batch.batchSize, batch.seqLength];
      const inputs = {
        inputIds: tf.tensor2d(masked.inputIds, shape, 'int32'),
        attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
      };
      const positions = tf.tensor1d(picked.positions, 'int32');
      const labels = tf.tensor1d(picked.labels, 'int32');
      return tf.variableGrads(() => {
        const logits = this.model.forwardAtPositions(inputs, positions, { training: true, dropoutSeed });
        return this.model.loss(logits, labels);
      }, this.model.trainableVariables());
    });
    const loss = value.dataSync()[0];
    const byName = new Map<string, tf.Tensor>();
    for (const [name, variable] of this.model.parameters) byName.set(name, grads[variable.name]);
    this.optimizer.learningRate = this.schedule(this.state.globalStep);
    this.optimizer.step(byName);
    tf.dispose([value, grads]);
    this.state.globalStep += 1;
    this.state.batchesSeen += 1;
    this.state.losses.push(loss);
    return loss;
  }

  /** Trains until totalSteps (or a stop request), checkpointing as configured. */
  async fit(): Promise<PretrainResult> {
    if (this.options.resumeFrom !== undefined) this.loadCheckpoint(this.options.resumeFrom);
    const mode = this.options.progress === false ? 'silent' : this.options.progress;
    const bar = new ProgressBar({
      total: this.totalSteps,
      description: 'MLM pretraining',
      unit: 'step',
      mode,
      initial: this.state.globalStep,
    });
    const checkpointSteps = this.options.checkpointSteps ?? 0;
    const started = performance.now();
    const stepsBefore = this.state.globalStep;
    let stopped: PretrainResult['stopped'] = 'completed';
    try {
      while (this.state.globalStep < this.totalSteps) {
        if (this.options.signal?.aborted === true) {
          stopped = 'interrupted';
          break;
        }
        if (this.state.batchIndex >= this.batchesPerEpoch) {
          this.state.epoch += 1;
          this.state.batchIndex = 0;
        }
        const loss = this.trainStep(this.batch(this.state.epoch, this.state.batchIndex));
        this.state.batchIndex += 1;
        await bar.tick(1, { loss });
        await yieldToEventLoop();
        if (
          checkpointSteps > 0 &&
          this.state.globalStep % checkpointSteps === 0 &&
          this.state.globalStep < this.totalSteps
        ) {
          await this.saveCheckpoint();
        }
      }
    } finally {
      await bar.close();
    }
    const seconds = (performance.now() - started) / 1000;
    this.syncCallerModel();
    if (this.checkpointDir !== null) await this.saveCheckpoint();
    let finalModelDir: string | null = null;
    if (this.options.outputDir !== undefined && stopped === 'completed')
      finalModelDir = await this.saveModel(path.join(this.options.outputDir, 'final'));
    const heldOut =
      this.options.heldOutTexts === undefined || this.options.heldOutTexts.length === 0
        ? null
        : this.evaluate(this.options.heldOutTexts);
    return {
      steps: this.state.globalStep,
      stopped,
      losses: [...this.state.losses],
      secondsPerStep: seconds / Math.max(1, this.state.globalStep - stepsBefore),
      sequences: this.sequences.length,
      vocabulary: this.vocabulary === null ? 'full' : this.textIdCount(),
      heldOut,
      finalModelDir,
    };
  }

  /**
   * MLM loss and masked-token accuracy on `texts`, packed and masked as in training with a fixed
   * seed (eval mode), next to the unigram guesser's accuracy on the same positions. With a compact
   * vocabulary, an id the training text never used cannot be predicted: as a label it counts as a
   * miss and stays out of the loss; as an input it is fed as <mask>.
   */
  evaluate(texts: readonly string[]): HeldOutResult {
    const packed = packTexts(texts, this.options.tokenizer, this.maxLength);
    const vocabulary = this.vocabulary;
    const unseen = -1;
    const sequences = vocabulary === null ? packed : packed.map((ids) => vocabulary.compactSequence(ids, unseen));
    const guess = mostFrequentId(this.sequences, this.masking.isSpecialId);
    let lossSum = 0;
    let correct = 0;
    let unigramCorrect = 0;
    let count = 0;
    let scoredCount = 0;
    for (let start = 0; start < sequences.length; start += this.batchSize) {
      const batch = collateSequences(sequences.slice(start, start + this.batchSize), this.padTokenId);
      const masked = maskTokens(batch.inputIds, maskRng(this.state.seed, start, 'held-out'), this.masking);
      const inputIds = masked.inputIds.map((id) => (id === unseen ? this.masking.maskTokenId : id));
      const picked = maskedPositions(masked.labels);
      const scored = Array.from(picked.labels.keys()).filter((i) => picked.labels[i] !== unseen);
      const targets = scored.map((i) => picked.labels[i]);
      if (scored.length > 0) {
        const { loss, predictions } = tf.tidy(() => {
          const shape: [number, number] = [batch.batchSize, batch.seqLength];
          const inputs = {
            inputIds: tf.tensor2d(inputIds, shape, 'int32'),
            attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
          };
          const positions = tf.tensor1d(
            scored.map((i) => picked.positions[i]),
            'int32',
          );
          const logits = this.model.forwardAtPositions(inputs, positions, { training: false });
          return {
            loss: this.model.loss(logits, tf.tensor1d(targets, 'int32')).dataSync()[0],
            predictions: tf.argMax(logits, 1).dataSync(),
          };
        });
        lossSum += loss * scored.length;
        scoredCount += scored.length;
        scored.forEach((_, k) => (correct += predictions[k] === targets[k] ? 1 : 0));
      }
      for (const label of picked.labels) unigramCorrect += label === guess ? 1 : 0;
      count += picked.labels.length;
    }
    return {
      loss: lossSum / Math.max(1, scoredCount),
      accuracy: correct / Math.max(1, count),
      unigramAccuracy: unigramCorrect / Math.max(1, count),
      maskedTokens: count,
      sequences: sequences.length,
    };
  }

  /** How many distinct non-special ids the pretraining text uses. */
  private textIdCount(): number {
    return vocabularyOf(this.sequences, this.masking.isSpecialId).length;
  }

  async saveCheckpoint(dir: string | null = this.checkpointDir): Promise<void> {
    if (dir === null) throw new Error('pretrain: no outputDir, so no checkpoint folder');
    await saveCheckpoint(dir, {
      parameters: this.model.parameters,
      optimizer: this.optimizer.getState(),
      state: this.state,
      config: { ...configToJson(this.model.config), architectures: ['RobertaForMaskedLM'] },
    });
  }

  /** Restores weights, optimizer moments and counters; the data and batch size must be the run's. */
  loadCheckpoint(dir: string): void {
    const loaded = loadCheckpoint(dir);
    const state = loaded.state as PretrainState;
    if (state === null || typeof state !== 'object' || state.kind !== 'mlm-pretraining' || state.version !== 1) {
      throw new Error(
        `${loaded.dir}: trainer_state.json is not a version-1 MLM pretraining state (kind 'mlm-pretraining')`,
      );
    }
    const checks: [string, number, number][] = [
      ['packed sequences', state.sequences, this.sequences.length],
      ['batchSize', state.batchSize, this.batchSize],
      ['maxLength', state.maxLength, this.maxLength],
      ['seed', state.seed, this.state.seed],
    ];
    for (const [what, saved, now] of checks) {
      if (saved !== now) throw new Error(`${loaded.dir}: checkpoint has ${what} ${saved}, this run has ${now}`);
    }
    restoreParameters(this.model.parameters, loaded.weights);
    this.optimizer.setState(loaded.optimizer);
    this.state = { ...state, losses: [...state.losses] };
    this.log(`resumed from ${loaded.dir} at step ${state.globalStep}`);
  }

  /** The model in Hugging Face format (and the tokenizer files when the tokenizer can save them). */
  async saveModel(dir: string): Promise<string> {
    this.syncCallerModel();
    await replaceDirectory(dir, async (temp) => {
      await this.options.model.savePretrained(temp);
      await this.options.tokenizer.saveTo?.(temp);
    });
    return dir;
  }

  dispose(): void {
    this.optimizer.dispose();
    if (this.model !== this.options.model) this.model.dispose();
  }
}

/**
 * A fresh masked-language model to pretrain: Hugging Face's initialisation, except that the token-type
 * vector starts at zero. RoBERTa as published has no segment embedding; transformers keeps a one-row
 * table of type 0 and draws it like every embedding, so a random constant vector is added to every
 * token. With it, both this model and a PyTorch reference stayed on the loss plateau for 2,000 steps of
 * a task they learn by step 750 when it starts at zero (docs/pretraining-runs/token-type-init.md).
 */
export function freshMaskedLanguageModel(
  config: RobertaConfig | Partial<RobertaConfig>,
  seed: number,
): RobertaForMaskedLM {
  const model = RobertaForMaskedLM.fromConfig(config, { seed });
  const tokenTypes = model.roberta.embeddings.token_type_embeddings;
  tf.tidy(() => tokenTypes.assign(tf.zerosLike(tokenTypes)));
  return model;
}

/** Runs a whole pretraining (see PretrainOptions); the model stays the caller's. */
export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  const pretrainer = new Pretrainer(options);
  try {
    return await pretrainer.fit();
  } finally {
    pretrainer.dispose();
  }
}
