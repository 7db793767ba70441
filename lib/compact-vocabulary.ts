// Pretraining over the ids a corpus uses. The offline corpus uses about 4,000 of the tokenizer's
// 50,265 ids, yet a full-vocabulary model pays for every row of the word-embedding matrix each
// step (its gradient and its Adam update). With a compact vocabulary the pretrainer trains a copy of
// the model whose vocabulary-sized tensors hold only the used ids (the special tokens included),
// renumbered in ascending order, and copies the result back:
//
//   full model ──compactModel──▶ compact model ──(pretraining)──▶ writeBack ──▶ full model
//
// The softmax then runs over the used ids only, an approximation that cannot predict an id absent
// from the text. So that the full model says the same, writeBack gives the ids that were left out
// a bias of UNSEEN_ID_BIAS: their probability becomes 0 and the others' are the compact model's.
import * as tf from '@tensorflow/tfjs';
import { RobertaForMaskedLM } from './model/roberta';
import type { RobertaConfig } from './model/config';

/** lm_head.bias of the ids the compact model never scored: exp(-10000) is 0 in float32. */
export const UNSEEN_ID_BIAS = -10000;

/** The parameters with one row (or entry) per vocabulary id. */
const VOCABULARY_PARAMETERS = ['roberta.embeddings.word_embeddings.weight', 'lm_head.bias'];

export class CompactVocabulary {
  /** The full id of each compact id, ascending. */
  readonly ids: Int32Array;
  private readonly index: Map<number, number>;

  private constructor(ids: Int32Array) {
    this.ids = ids;
    this.index = new Map(Array.from(ids, (id, compactId) => [id, compactId]));
  }

  /** The ids occurring in `sequences` plus `specialIds`. */
  static fromSequences(sequences: readonly (readonly number[])[], specialIds: readonly number[]): CompactVocabulary {
    const seen = new Set<number>(specialIds);
    for (const sequence of sequences) for (const id of sequence) seen.add(id);
    return new CompactVocabulary(Int32Array.from([...seen].sort((a, b) => a - b)));
  }

  get size(): number {
    return this.ids.length;
  }

  /** The compact id of `fullId`; an id outside the vocabulary is an error. */
  compactId(fullId: number): number {
    const id = this.index.get(fullId);
    if (id === undefined) throw new Error(`compact vocabulary: id ${fullId} is not among its ${this.size} ids`);
    return id;
  }

  /** The sequence renumbered; ids outside the vocabulary become `unknownId` (a compact id). */
  compactSequence(sequence: readonly number[], unknownId?: number): number[] {
    return sequence.map((id) => this.index.get(id) ?? unknownId ?? this.compactId(id));
  }

  /** The config with the vocabulary's size and the special tokens' compact ids. */
  compactConfig(config: RobertaConfig): RobertaConfig {
    return {
      ...config,
      vocab_size: this.size,
      pad_token_id: this.compactId(config.pad_token_id),
      bos_token_id: this.compactId(config.bos_token_id),
      eos_token_id: this.compactId(config.eos_token_id),
    };
  }

  /** A new model: `full`'s weights, its vocabulary-sized tensors cut to this vocabulary's rows. */
  compactModel(full: RobertaForMaskedLM): RobertaForMaskedLM {
    const compact = RobertaForMaskedLM.fromConfig(this.compactConfig(full.config));
    tf.tidy(() => {
      const rows = tf.tensor1d(this.ids, 'int32');
      for (const [name, variable] of compact.parameters) {
        const source = parameter(full, name);
        variable.assign(VOCABULARY_PARAMETERS.includes(name) ? tf.gather(source, rows) : source);
      }
    });
    return compact;
  }

  /**
   * Copies `compact`'s weights into `full`: every shared tensor, this vocabulary's rows of the
   * vocabulary-sized ones (other rows of the embeddings keep their values), and UNSEEN_ID_BIAS for
   * the ids outside the vocabulary.
   */
  writeBack(compact: RobertaForMaskedLM, full: RobertaForMaskedLM): void {
    tf.tidy(() => {
      const rows = tf.tensor2d(this.ids, [this.size, 1], 'int32');
      for (const [name, variable] of full.parameters) {
        const trained = parameter(compact, name);
        if (name === 'lm_head.bias') {
          const unseen = tf.fill(variable.shape, UNSEEN_ID_BIAS);
          variable.assign(tf.tensorScatterUpdate(unseen, rows, trained));
        } else if (VOCABULARY_PARAMETERS.includes(name)) {
          variable.assign(tf.tensorScatterUpdate(variable, rows, trained));
        } else {
          variable.assign(trained);
        }
      }
    });
  }
}

function parameter(model: RobertaForMaskedLM, name: string): tf.Variable {
  const variable = model.parameters.get(name);
  if (variable === undefined) throw new Error(`compact vocabulary: the model has no parameter ${name}`);
  return variable;
}
