// The tiny classifier shape the trainer tests train in a second or two.
import { robertaConfig } from '../../lib/model/config';

export const TINY_CLASSIFIER_CONFIG = robertaConfig({
  vocab_size: 60,
  hidden_size: 16,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  intermediate_size: 32,
  max_position_embeddings: 34,
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  num_labels: 2,
});
