// Every parameter of RobertaForSequenceClassification as a Hugging Face state-dict name, its shape
// and how Hugging Face initialises it, computed from the config alone. The model creates its
// variables from this list, the loader checks checkpoints against it and the summary counts it.
import type { RobertaConfig } from './config';

export type Initializer = 'normal' | 'zeros' | 'ones';

export interface ParameterSpec {
  /** The state-dict key, e.g. 'roberta.encoder.layer.0.attention.self.query.weight'. */
  name: string;
  shape: number[];
  /** normal(0, initializer_range), zeros or ones, as `RobertaPreTrainedModel._init_weights` does. */
  init: Initializer;
  /** nn.Embedding padding_idx: this row starts at zero and never receives a gradient. */
  paddingRow?: number;
}

function linear(name: string, inFeatures: number, outFeatures: number): ParameterSpec[] {
  // PyTorch layout: weight is [out, in].
  return [
    { name: `${name}.weight`, shape: [outFeatures, inFeatures], init: 'normal' },
    { name: `${name}.bias`, shape: [outFeatures], init: 'zeros' },
  ];
}

function layerNorm(name: string, size: number): ParameterSpec[] {
  return [
    { name: `${name}.weight`, shape: [size], init: 'ones' },
    { name: `${name}.bias`, shape: [size], init: 'zeros' },
  ];
}

export function embeddingSpecs(config: RobertaConfig): ParameterSpec[] {
  const h = config.hidden_size;
  const pad = config.pad_token_id;
  return [
    {
      name: 'roberta.embeddings.word_embeddings.weight',
      shape: [config.vocab_size, h],
      init: 'normal',
      paddingRow: pad,
    },
    {
      name: 'roberta.embeddings.position_embeddings.weight',
      shape: [config.max_position_embeddings, h],
      init: 'normal',
      paddingRow: pad,
    },
    { name: 'roberta.embeddings.token_type_embeddings.weight', shape: [config.type_vocab_size, h], init: 'normal' },
    ...layerNorm('roberta.embeddings.LayerNorm', h),
  ];
}

export function layerSpecs(config: RobertaConfig, index: number): ParameterSpec[] {
  const h = config.hidden_size;
  const prefix = `roberta.encoder.layer.${index}`;
  return [
    ...linear(`${prefix}.attention.self.query`, h, h),
    ...linear(`${prefix}.attention.self.key`, h, h),
    ...linear(`${prefix}.attention.self.value`, h, h),
    ...linear(`${prefix}.attention.output.dense`, h, h),
    ...layerNorm(`${prefix}.attention.output.LayerNorm`, h),
    ...linear(`${prefix}.intermediate.dense`, h, config.intermediate_size),
    ...linear(`${prefix}.output.dense`, config.intermediate_size, h),
    ...layerNorm(`${prefix}.output.LayerNorm`, h),
  ];
}

export function classifierSpecs(config: RobertaConfig): ParameterSpec[] {
  const h = config.hidden_size;
  return [...linear('classifier.dense', h, h), ...linear('classifier.out_proj', h, config.num_labels)];
}

/** RobertaLMHead: dense, layer_norm and the output bias; the decoder weight is the word embeddings (tied). */
export function lmHeadSpecs(config: RobertaConfig): ParameterSpec[] {
  const h = config.hidden_size;
  return [
    { name: 'lm_head.bias', shape: [config.vocab_size], init: 'zeros' },
    ...linear('lm_head.dense', h, h),
    ...layerNorm('lm_head.layer_norm', h),
  ];
}

/** All parameters of RobertaForMaskedLM in state-dict order (no pooler, as Hugging Face builds it). */
export function maskedLmParameterSpecs(config: RobertaConfig): ParameterSpec[] {
  const layers: ParameterSpec[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++) layers.push(...layerSpecs(config, i));
  return [...embeddingSpecs(config), ...layers, ...lmHeadSpecs(config)];
}

/** All parameters in state-dict order. */
export function parameterSpecs(config: RobertaConfig): ParameterSpec[] {
  const layers: ParameterSpec[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++) layers.push(...layerSpecs(config, i));
  return [...embeddingSpecs(config), ...layers, ...classifierSpecs(config)];
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
