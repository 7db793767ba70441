// RobertaConfig: the fields of a Hugging Face `config.json` that RoBERTa uses, with the names and
// defaults of `transformers.RobertaConfig`, checked for consistency when read.
import { readJsonFile } from '../fsutil';

export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';

export interface RobertaConfig {
  model_type: 'roberta';
  vocab_size: number; // rows of the word-embedding table
  hidden_size: number; // width of every hidden state
  num_hidden_layers: number; // encoder layers
  num_attention_heads: number; // heads per layer; hidden_size must divide evenly
  intermediate_size: number; // width of the feed-forward layer
  hidden_act: 'gelu'; // the exact erf GELU (the only activation RoBERTa checkpoints use)
  hidden_dropout_prob: number; // dropout after embeddings, attention output and feed-forward
  attention_probs_dropout_prob: number; // dropout on attention probabilities
  max_position_embeddings: number; // rows of the position table: max tokens + padding_idx + 1
  type_vocab_size: number; // rows of the token-type table (1 in RoBERTa checkpoints)
  initializer_range: number; // std of the normal initialisation
  layer_norm_eps: number; // epsilon of every LayerNorm
  pad_token_id: number; // padding_idx of the word and position embeddings
  bos_token_id: number;
  eos_token_id: number;
  position_embedding_type: 'absolute';
  classifier_dropout: number | null; // null: use hidden_dropout_prob in the head
  num_labels: number;
  id2label: Record<string, string>; // keys are "0".."num_labels-1", as in config.json
  label2id: Record<string, number>;
  /** transformers' loss selector; loss() here implements single-label cross-entropy only. */
  problem_type: ProblemType | null;
  /** Fields of the source config.json this library does not use, kept so a resave preserves them. */
  extras: Record<string, unknown>;
}

/**
 * `transformers.RobertaConfig()` defaults (note: 512 positions, 2 token types, eps 1e-12; checkpoints override
 * them).
 */
export const HF_ROBERTA_DEFAULTS: Omit<RobertaConfig, 'extras'> = {
  model_type: 'roberta',
  vocab_size: 50265,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 1,
  bos_token_id: 0,
  eos_token_id: 2,
  position_embedding_type: 'absolute',
  classifier_dropout: null,
  num_labels: 2,
  id2label: { '0': 'LABEL_0', '1': 'LABEL_1' },
  label2id: { LABEL_0: 0, LABEL_1: 1 },
  problem_type: null,
};

type Json = Record<string, unknown>;

const KNOWN_FIELDS = new Set<string>([...Object.keys(HF_ROBERTA_DEFAULTS), 'extras']);

function fail(source: string, field: string, expected: string, found: unknown): never {
  throw new Error(`${source}: field '${field}' must be ${expected}, found ${JSON.stringify(found)}`);
}

function positiveInt(source: string, raw: Json, field: keyof RobertaConfig, fallback: number): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    fail(source, field, 'a positive integer', value);
  return value;
}

function nonNegativeInt(source: string, raw: Json, field: keyof RobertaConfig, fallback: number): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    fail(source, field, 'a non-negative integer', value);
  return value;
}

function probability(source: string, raw: Json, field: keyof RobertaConfig, fallback: number): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) fail(source, field, 'a probability in [0, 1)', value);
  return value;
}

function positiveNumber(source: string, raw: Json, field: keyof RobertaConfig, fallback: number): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    fail(source, field, 'a positive number', value);
  return value;
}

/** id2label / label2id / num_labels, made consistent the way PretrainedConfig does, or an error. */
function labels(source: string, raw: Json): Pick<RobertaConfig, 'num_labels' | 'id2label' | 'label2id'> {
  const rawId2label = raw.id2label;
  const rawNumLabels = raw.num_labels;
  if (
    rawNumLabels !== undefined &&
    (typeof rawNumLabels !== 'number' || !Number.isInteger(rawNumLabels) || rawNumLabels < 1)
  ) {
    fail(source, 'num_labels', 'a positive integer', rawNumLabels);
  }
  let id2label: Record<string, string>;
  if (rawId2label === undefined || rawId2label === null) {
    const count = (rawNumLabels as number | undefined) ?? 2;
    id2label = {};
    for (let i = 0; i < count; i++) id2label[String(i)] = `LABEL_${i}`;
  } else {
    if (typeof rawId2label !== 'object' || Array.isArray(rawId2label))
      fail(source, 'id2label', 'an object {"0": name, ...}', rawId2label);
    const entries = Object.entries(rawId2label as Json);
    if (entries.length === 0) fail(source, 'id2label', 'a non-empty object', rawId2label);
    id2label = {};
    for (const [key, name] of entries) {
      const id = Number(key);
      if (!Number.isInteger(id) || id < 0 || id >= entries.length) {
        fail(source, 'id2label', `keys 0..${entries.length - 1}`, key);
      }
      if (typeof name !== 'string') fail(source, `id2label.${key}`, 'a string', name);
      id2label[String(id)] = name;
    }
    if (rawNumLabels !== undefined && rawNumLabels !== entries.length) {
      throw new Error(`${source}: num_labels is ${String(rawNumLabels)} but id2label has ${entries.length} entries`);
    }
  }
  const numLabels = Object.keys(id2label).length;
  const label2id: Record<string, number> = {};
  const rawLabel2id = raw.label2id;
  if (rawLabel2id !== undefined && rawLabel2id !== null) {
    if (typeof rawLabel2id !== 'object' || Array.isArray(rawLabel2id))
      fail(source, 'label2id', 'an object {name: id, ...}', rawLabel2id);
    for (const [name, id] of Object.entries(rawLabel2id as Json)) {
      if (typeof id !== 'number' || id2label[String(id)] !== name) {
        throw new Error(
          `${source}: label2id.${name} = ${JSON.stringify(id)} disagrees with id2label ${JSON.stringify(id2label)}`,
        );
      }
    }
  }
  for (const [id, name] of Object.entries(id2label)) label2id[name] = Number(id);
  return { num_labels: numLabels, id2label, label2id };
}

/**
 * Builds a validated config from config.json-shaped fields; absent fields take the
 * `transformers.RobertaConfig` defaults. `source` names where the fields came from, for errors.
 */
export function robertaConfig(fields: Partial<RobertaConfig> | Json = {}, source = 'RobertaConfig'): RobertaConfig {
  const raw = fields as Json;
  const d = HF_ROBERTA_DEFAULTS;
  const modelType = raw.model_type ?? 'roberta';
  if (modelType !== 'roberta') fail(source, 'model_type', '"roberta"', modelType);
  const hiddenAct = raw.hidden_act ?? d.hidden_act;
  if (hiddenAct !== 'gelu') fail(source, 'hidden_act', '"gelu" (the only activation implemented)', hiddenAct);
  const positionType = raw.position_embedding_type ?? d.position_embedding_type;
  if (positionType !== 'absolute') fail(source, 'position_embedding_type', '"absolute"', positionType);
  const classifierDropout = raw.classifier_dropout ?? null;
  if (classifierDropout !== null) probability(source, raw, 'classifier_dropout', 0);
  const problemType = raw.problem_type ?? null;
  if (
    problemType !== null &&
    !['single_label_classification', 'multi_label_classification', 'regression'].includes(problemType as string)
  ) {
    fail(
      source,
      'problem_type',
      'null, "single_label_classification", "multi_label_classification" or "regression"',
      problemType,
    );
  }
  const extras: Record<string, unknown> = { ...((raw.extras as Json | undefined) ?? {}) };
  for (const [key, value] of Object.entries(raw)) {
    if (!KNOWN_FIELDS.has(key)) extras[key] = value;
  }

  const config: RobertaConfig = {
    model_type: 'roberta',
    vocab_size: positiveInt(source, raw, 'vocab_size', d.vocab_size),
    hidden_size: positiveInt(source, raw, 'hidden_size', d.hidden_size),
    num_hidden_layers: positiveInt(source, raw, 'num_hidden_layers', d.num_hidden_layers),
    num_attention_heads: positiveInt(source, raw, 'num_attention_heads', d.num_attention_heads),
    intermediate_size: positiveInt(source, raw, 'intermediate_size', d.intermediate_size),
    hidden_act: 'gelu',
    hidden_dropout_prob: probability(source, raw, 'hidden_dropout_prob', d.hidden_dropout_prob),
    attention_probs_dropout_prob: probability(
      source,
      raw,
      'attention_probs_dropout_prob',
      d.attention_probs_dropout_prob,
    ),
    max_position_embeddings: positiveInt(source, raw, 'max_position_embeddings', d.max_position_embeddings),
    type_vocab_size: positiveInt(source, raw, 'type_vocab_size', d.type_vocab_size),
    initializer_range: positiveNumber(source, raw, 'initializer_range', d.initializer_range),
    layer_norm_eps: positiveNumber(source, raw, 'layer_norm_eps', d.layer_norm_eps),
    pad_token_id: nonNegativeInt(source, raw, 'pad_token_id', d.pad_token_id),
    bos_token_id: nonNegativeInt(source, raw, 'bos_token_id', d.bos_token_id),
    eos_token_id: nonNegativeInt(source, raw, 'eos_token_id', d.eos_token_id),
    position_embedding_type: 'absolute',
    classifier_dropout: classifierDropout as number | null,
    ...labels(source, raw),
    problem_type: problemType as RobertaConfig['problem_type'],
    extras,
  };

  if (config.hidden_size % config.num_attention_heads !== 0) {
    throw new Error(
      `${source}: hidden_size ${config.hidden_size} is not a multiple of num_attention_heads ` +
        `${config.num_attention_heads}`,
    );
  }
  if (config.pad_token_id >= config.vocab_size) {
    fail(source, 'pad_token_id', `below vocab_size ${config.vocab_size}`, config.pad_token_id);
  }
  if (config.max_position_embeddings < config.pad_token_id + 2) {
    fail(
      source,
      'max_position_embeddings',
      `at least pad_token_id + 2 = ${config.pad_token_id + 2} (positions start at pad_token_id + 1)`,
      config.max_position_embeddings,
    );
  }
  return config;
}

/** Reads and validates a Hugging Face config.json; errors name the file and the field. */
export function loadConfig(file: string): RobertaConfig {
  const raw = readJsonFile(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`${file}: expected a JSON object`);
  }
  return robertaConfig(raw as Json, file);
}

/** The longest input (in tokens, with <s> and </s>) the position table allows. */
export function maxSequenceLength(config: RobertaConfig): number {
  return config.max_position_embeddings - config.pad_token_id - 1;
}

/** The config.json a Python `transformers` RobertaForSequenceClassification loads. */
export function configToJson(config: RobertaConfig): Record<string, unknown> {
  const { extras, ...fields } = config;
  const json: Record<string, unknown> = {
    ...extras,
    architectures: ['RobertaForSequenceClassification'],
    ...fields,
  };
  if (json.problem_type === null) delete json.problem_type;
  if (!('transformers_version' in json)) json.transformers_version = '4.25.1';
  return Object.fromEntries(Object.entries(json).sort(([a], [b]) => a.localeCompare(b)));
}

/** roberta-base's vocabulary size; the offline tokenizer reports its own as `vocabSize`, pass that when it differs. */
export const OFFLINE_VOCAB_SIZE = 50265;

/**
 * The small RoBERTa shape the notebooks train offline (2 layers, hidden 128), sized for 256-token
 * inputs (258 positions = 256 + padding_idx + 1), the shape whose PyTorch speed `bench/reference/` records.
 * Pass the offline tokenizer's `vocabSize`.
 */
export function offlineModelConfig(
  vocabSize: number = OFFLINE_VOCAB_SIZE,
  overrides: Partial<RobertaConfig> = {},
): RobertaConfig {
  return robertaConfig({
    vocab_size: vocabSize,
    hidden_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 512,
    max_position_embeddings: 258,
    type_vocab_size: 1,
    layer_norm_eps: 1e-5,
    id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' },
    ...overrides,
  });
}

export const OFFLINE_MODEL_CONFIG: RobertaConfig = offlineModelConfig();

/** The config of `roberta-base` on the Hub (its config.json), without downloading it. */
export const ROBERTA_BASE_CONFIG: RobertaConfig = robertaConfig({
  max_position_embeddings: 514,
  type_vocab_size: 1,
  layer_norm_eps: 1e-5,
});
