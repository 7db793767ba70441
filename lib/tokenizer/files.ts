// The files that describe a RoBERTa tokenizer, in the layouts Hugging Face reads and writes:
// `tokenizer.json` (the `tokenizers` library's single file) and the older pair `vocab.json` +
// `merges.txt`, plus `tokenizer_config.json` and `special_tokens_map.json`.
import * as fs from 'fs';
import * as path from 'path';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../fsutil';

export const ROBERTA_SPECIAL_TOKENS = {
  bos: '<s>',
  pad: '<pad>',
  eos: '</s>',
  unk: '<unk>',
  mask: '<mask>',
} as const;

/** One entry of `added_tokens` in tokenizer.json. */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** The part of tokenizer.json this project relies on; other fields pass through untouched. */
export interface TokenizerJson {
  version?: string;
  added_tokens: AddedTokenJson[];
  normalizer: unknown;
  pre_tokenizer: unknown;
  post_processor: unknown;
  decoder: unknown;
  model: {
    type: string;
    vocab: Record<string, number>;
    /** `"a b"` strings (tokenizers < 0.20) or `["a", "b"]` pairs (newer); normalised to strings on load. */
    merges: string[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** A special token as tokenizer_config.json writes it when its flags matter (RoBERTa's `<mask>`). */
export interface AddedTokenConfig {
  __type: 'AddedToken';
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
}

export type TokenizerConfig = Record<string, unknown> & { model_max_length?: number };

/** A tokenizer as plain data: what loading produces and what `writeTokenizerFiles` saves. */
export interface TokenizerFiles {
  tokenizerJson: TokenizerJson;
  tokenizerConfig: TokenizerConfig;
}

const MASK_TOKEN_CONFIG: AddedTokenConfig = {
  __type: 'AddedToken',
  content: ROBERTA_SPECIAL_TOKENS.mask,
  single_word: false,
  lstrip: true,
  rstrip: false,
  normalized: false,
};

/** tokenizer_config.json for a RoBERTa tokenizer (the fields Python's RobertaTokenizer(Fast) reads). */
export function robertaTokenizerConfig(modelMaxLength: number): TokenizerConfig {
  return {
    tokenizer_class: 'RobertaTokenizer',
    bos_token: ROBERTA_SPECIAL_TOKENS.bos,
    eos_token: ROBERTA_SPECIAL_TOKENS.eos,
    sep_token: ROBERTA_SPECIAL_TOKENS.eos,
    cls_token: ROBERTA_SPECIAL_TOKENS.bos,
    unk_token: ROBERTA_SPECIAL_TOKENS.unk,
    pad_token: ROBERTA_SPECIAL_TOKENS.pad,
    mask_token: { ...MASK_TOKEN_CONFIG },
    add_prefix_space: false,
    trim_offsets: true,
    errors: 'replace',
    model_max_length: modelMaxLength,
  };
}

function addedToken(id: number, content: string, maskLike: boolean): AddedTokenJson {
  // roberta-base marks <mask> lstrip (" <mask>" eats the space before it) and not normalized.
  return { id, content, single_word: false, lstrip: maskLike, rstrip: false, normalized: !maskLike, special: true };
}

/**
 * tokenizer.json for a RoBERTa-style byte-level BPE: the five special tokens as added tokens,
 * GPT-2's pre-tokenizer regex (ByteLevel, no prefix space), `<s> … </s>` post-processing.
 * `vocab` must already hold the special tokens.
 */
export function robertaTokenizerJson(vocab: Record<string, number>, merges: string[]): TokenizerJson {
  const specials = Object.values(ROBERTA_SPECIAL_TOKENS);
  const added = specials.map((content) => {
    const id = vocab[content];
    if (id === undefined) throw new Error(`tokenizer vocab: special token ${content} is missing`);
    return addedToken(id, content, content === ROBERTA_SPECIAL_TOKENS.mask);
  });
  added.sort((a, b) => a.id - b.id);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [ROBERTA_SPECIAL_TOKENS.eos, vocab[ROBERTA_SPECIAL_TOKENS.eos]],
      cls: [ROBERTA_SPECIAL_TOKENS.bos, vocab[ROBERTA_SPECIAL_TOKENS.bos]],
      trim_offsets: true,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      // No `byte_fallback` field: tokenizers < 0.14 (what transformers 4.25 uses) predates it.
      fuse_unk: false,
      vocab,
      merges,
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normaliseMerges(merges: unknown, file: string): string[] {
  if (!Array.isArray(merges)) throw new Error(`${file}: model.merges should be an array, found ${typeof merges}`);
  return merges.map((merge: unknown, index) => {
    if (typeof merge === 'string') return merge;
    if (Array.isArray(merge) && merge.length === 2 && merge.every((part) => typeof part === 'string')) {
      return `${merge[0]} ${merge[1]}`;
    }
    throw new Error(`${file}: model.merges[${index}] should be "a b" or ["a", "b"], found ${JSON.stringify(merge)}`);
  });
}

/** Reads and checks tokenizer.json: a BPE model with a vocab; merges normalised to `"a b"` strings. */
export function readTokenizerJson(file: string): TokenizerJson {
  const parsed = readJsonFile(file);
  if (!isRecord(parsed)) throw new Error(`${file}: expected a JSON object`);
  const model = parsed.model;
  if (!isRecord(model)) throw new Error(`${file}: field 'model' is missing`);
  if (model.type !== 'BPE') {
    throw new Error(`${file}: model.type should be 'BPE' (a RoBERTa tokenizer), found ${JSON.stringify(model.type)}`);
  }
  if (!isRecord(model.vocab)) throw new Error(`${file}: model.vocab should be an object of token -> id`);
  const addedTokens = parsed.added_tokens ?? [];
  if (!Array.isArray(addedTokens)) throw new Error(`${file}: added_tokens should be an array`);
  return {
    ...parsed,
    added_tokens: addedTokens as AddedTokenJson[],
    normalizer: parsed.normalizer ?? null,
    pre_tokenizer: parsed.pre_tokenizer ?? null,
    post_processor: parsed.post_processor ?? null,
    decoder: parsed.decoder ?? null,
    model: {
      ...model,
      type: 'BPE',
      vocab: model.vocab as Record<string, number>,
      merges: normaliseMerges(model.merges, file),
    },
  };
}

export function readVocabJson(file: string): Record<string, number> {
  const parsed = readJsonFile(file);
  if (!isRecord(parsed)) throw new Error(`${file}: expected an object of token -> id`);
  for (const [token, id] of Object.entries(parsed)) {
    if (!Number.isInteger(id))
      throw new Error(
        `${file}: id of token ${JSON.stringify(token)} should be an integer, found ${JSON.stringify(id)}`,
      );
  }
  return parsed as Record<string, number>;
}

/** merges.txt: an optional `#version` line, then one `left right` merge per line. */
export function readMergesTxt(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const merges: string[] = [];
  lines.forEach((line, index) => {
    if (line.startsWith('#version') || line.trim() === '') return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new Error(`${file}: line ${index + 1} should be 'left right', found ${JSON.stringify(line)}`);
    }
    merges.push(line);
  });
  return merges;
}

/** Every merge must produce a token of the vocab, or BPE would emit ids that do not exist. */
function checkMergesCovered(vocab: Record<string, number>, merges: string[], where: string): void {
  for (let i = 0; i < merges.length; i++) {
    const joined = merges[i].replace(' ', '');
    if (!(joined in vocab))
      throw new Error(
        `${where}: merge ${i} ${JSON.stringify(merges[i])} makes ${JSON.stringify(joined)}, which is not in the vocab`,
      );
  }
}

/** Builds tokenizer.json from the vocab.json + merges.txt pair. */
export function tokenizerJsonFromVocabAndMerges(vocabFile: string, mergesFile: string): TokenizerJson {
  const vocab = readVocabJson(vocabFile);
  const merges = readMergesTxt(mergesFile);
  checkMergesCovered(vocab, merges, mergesFile);
  return robertaTokenizerJson(vocab, merges);
}

/** Reads tokenizer_config.json if the file exists, else `{}`. */
export function readTokenizerConfig(file: string): TokenizerConfig {
  if (!fs.existsSync(file)) return {};
  const parsed = readJsonFile(file);
  if (!isRecord(parsed)) throw new Error(`${file}: expected a JSON object`);
  return parsed;
}

/** special_tokens_map.json: the token fields of tokenizer_config, without `__type`. */
function specialTokensMap(config: TokenizerConfig): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token']) {
    const value = config[key];
    if (typeof value === 'string') map[key] = value;
    else if (isRecord(value)) {
      const { __type: _ignored, ...rest } = value;
      map[key] = rest;
    }
  }
  return map;
}

/**
 * Writes tokenizer.json, vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json
 * into `dir`: Python's AutoTokenizer (fast: tokenizer.json; slow: vocab + merges) and this
 * project's loader both read the result.
 */
export function writeTokenizerFiles(dir: string, files: TokenizerFiles): void {
  const { tokenizerJson, tokenizerConfig } = files;
  writeFileAtomic(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  writeFileAtomic(path.join(dir, 'vocab.json'), JSON.stringify(tokenizerJson.model.vocab));
  // Python's slow tokenizer drops the first line (the version header) and the last (after the final newline).
  writeFileAtomic(path.join(dir, 'merges.txt'), `#version: 0.2\n${tokenizerJson.model.merges.join('\n')}\n`);
  writeJsonAtomic(path.join(dir, 'special_tokens_map.json'), specialTokensMap(tokenizerConfig));
  writeJsonAtomic(path.join(dir, 'tokenizer_config.json'), tokenizerConfig);
}
