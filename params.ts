// Parameters the three notebooks share. Each notebook shows these and states its own overrides next
// to them. They start from the library's offline defaults (lib/defaults.ts, also what
// `ft-roberta train` uses): nothing to download, a small RoBERTa-shaped model, a tokenizer built
// from GPT-2's BPE files and a generated IMDb-like corpus. For the real workshop on a machine with
// internet, set here
//   model: 'roberta-base', tokenizer: 'roberta-base', data: 'jahjinx/IMDb_movie_reviews',
//   learningRate: 1e-5, and the sizes to 36000 / 4000 / 10000
// The training fields are named as Hugging Face's TrainingArguments (lib/training-arguments.ts).
// (see the README for what that costs in time and memory on each backend).
import { REPO_ROOT, WORKSHOP_DEFAULTS, type WorkshopParams } from './lib/defaults';

export { REPO_ROOT, type WorkshopParams };

export const params: WorkshopParams = {
  ...WORKSHOP_DEFAULTS,
};
