// Parameters the three notebooks share. Each notebook states its own overrides beside them.
// The defaults run offline: a small RoBERTa-shaped model, the built-in tokenizer and the
// generated IMDb-like corpus. To train the real thing, set `model` to 'roberta-base',
// `tokenizer` to 'roberta-base' and `data` to 'jahjinx/IMDb_movie_reviews' (needs internet).
import type { BackendChoice } from './lib/backend';

export const params = {
  /** 'auto' picks tfjs-node if it loads, else wasm, else cpu. */
  backend: 'auto' as BackendChoice,
  /** Seed for weight initialisation, dropout, shuffling and the offline corpus. */
  seed: 42,
};

export type Params = typeof params;
