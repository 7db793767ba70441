// Where the offline default's pretrained body lives: models/offline-pretrained at the repository root
// (config.json, model.safetensors in float16, and README.md, the model card saying how it was made).
// Its tokenizer is the offline one, built from GPT-2's BPE files, so the folder ships no tokenizer files.
import * as path from 'path';

/** This file runs compiled from dist/lib/model/, three levels below the repository root. */
export const OFFLINE_PRETRAINED_DIR = path.resolve(__dirname, '..', '..', '..', 'models', 'offline-pretrained');

/** The folder and tokenizer a model source names: 'offline' is the shipped body with the offline tokenizer. */
export function resolveModelSource(source: string): { model: string; tokenizer: string } {
  return source === 'offline'
    ? { model: OFFLINE_PRETRAINED_DIR, tokenizer: 'offline' }
    : { model: source, tokenizer: source };
}
