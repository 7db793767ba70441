import * as path from 'path';

/** The repository root (tests run compiled from dist/test/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Reference checkpoints made with Hugging Face transformers + PyTorch (see test/fixtures/README.md). */
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');
/** Hugging Face transformers + PyTorch speed on a 2-core machine (see bench/reference/README.md). */
export const PYTORCH_REFERENCE_FILE = path.join(REPO_ROOT, 'bench', 'reference', 'pytorch-cpu-2threads.json');
