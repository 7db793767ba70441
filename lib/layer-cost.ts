// What an encoder layer costs, for the teaching tables: how much of its arithmetic grows with the
// square of the sequence length, and where its parameters sit.
//
// Arithmetic:
// Per token and layer, in multiply-adds: the Q, K, V and output projections 4·h², the feed-forward
// 2·h·i, and the two attention products (QKᵀ and the weighted sum of V) 2·L·h. Only the last term
// grows with L, so the cost per position is close to constant while 2·L·h is small next to the rest.
import type { RobertaConfig } from './model/config';

export interface AttentionCost {
  seqLength: number;
  /** Multiply-adds per token per layer. */
  projections: number;
  feedForward: number;
  attentionProducts: number;
  /** attentionProducts over the layer's total. */
  attentionShare: number;
}

export function attentionCost(
  config: Pick<RobertaConfig, 'hidden_size' | 'intermediate_size'>,
  seqLength: number,
): AttentionCost {
  const h = config.hidden_size;
  const projections = 4 * h * h;
  const feedForward = 2 * h * config.intermediate_size;
  const attentionProducts = 2 * seqLength * h;
  return {
    seqLength,
    projections,
    feedForward,
    attentionProducts,
    attentionShare: attentionProducts / (projections + feedForward + attentionProducts),
  };
}

export interface LayerParameters {
  /** Q, K, V, the output projection and its LayerNorm. */
  attention: number;
  /** The two feed-forward matrices with their biases and the LayerNorm after them. */
  feedForward: number;
  total: number;
  feedForwardShare: number;
}

/** Parameters of one encoder layer, split as in Hugging Face's RobertaLayer. */
export function layerParameters(config: Pick<RobertaConfig, 'hidden_size' | 'intermediate_size'>): LayerParameters {
  const h = config.hidden_size;
  const i = config.intermediate_size;
  const attention = 4 * (h * h + h) + 2 * h;
  const feedForward = h * i + i + i * h + h + 2 * h;
  return {
    attention,
    feedForward,
    total: attention + feedForward,
    feedForwardShare: feedForward / (attention + feedForward),
  };
}
