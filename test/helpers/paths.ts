import * as path from 'path';

/** The repository root (tests run compiled from dist/test/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Reference checkpoints made with Hugging Face transformers + PyTorch, beside the checkout. */
export const FIXTURES_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures');
