// A saved model folder -> the folder transformers.js (2.17) loads locally:
//
//   out/config.json               model_type roberta, id2label / label2id
//   out/tokenizer.json            + tokenizer_config.json (and the rest of the tokenizer files)
//   out/onnx/model.onnx           inputs input_ids, attention_mask (int64 [batch, sequence]); output logits
//   out/onnx/model_quantized.onnx with `quantize`: int8 MatMul weights, what pipeline(..., {quantized: true}) loads
//
//   await exportOnnx({ model: 'runs/01/best', out: 'web/model', quantize: true });
import * as fs from 'fs';
import * as path from 'path';
import { ensureDir, readJsonFile, writeJsonAtomic } from '../fsutil';
import { replaceDirectory } from '../checkpoint';
import { configToJson, loadConfig, maxSequenceLength, type RobertaConfig } from '../model/config';
import { readCheckpoint, resolvePretrained, type CheckpointTensor } from '../model/pretrained';
import { loadTokenizer } from '../tokenizer';
import { buildRobertaGraph, type RobertaHead, type WeightSource } from './onnx-graph';
import { writeOnnxModel } from './onnx-file';

export const ONNX_DIR = 'onnx';
export const ONNX_MODEL_FILE = 'model.onnx';
export const ONNX_QUANTIZED_FILE = 'model_quantized.onnx';
const PRODUCER = { name: 'finetune-roberta-ts', version: '0.1.0' };
const ARCHITECTURES: Record<RobertaHead, string> = {
  'sequence-classification': 'RobertaForSequenceClassification',
  'masked-lm': 'RobertaForMaskedLM',
};

export interface ExportOptions {
  /** A saved model folder (config.json + model.safetensors or pytorch_model.bin). */
  model: string;
  /** The folder to create. */
  out: string;
  /** Also write onnx/model_quantized.onnx. */
  quantize?: boolean;
  /** Replace `out` when it exists. */
  force?: boolean;
  /**
   * Tokenizer to ship beside the model: 'offline', a folder or a Hub id. Default: the model
   * folder's own tokenizer files when it has them, else none.
   */
  tokenizer?: string;
  /** Which head to export; default: from the checkpoint's tensors (classifier.* or lm_head.*). */
  head?: RobertaHead;
}

export interface ExportResult {
  out: string;
  head: RobertaHead;
  files: { name: string; bytes: number }[];
  tokenizer: string | null;
}

/** Checkpoint tensors under their `roberta.`-prefixed Hugging Face names (both spellings accepted). */
export function checkpointWeights(tensors: Map<string, CheckpointTensor>): WeightSource & { names: string[] } {
  const byName = new Map<string, CheckpointTensor>();
  for (const [key, tensor] of tensors) {
    const renamed = key.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
    const isHead = renamed.startsWith('classifier.') || renamed.startsWith('lm_head.');
    byName.set(isHead || renamed.startsWith('roberta.') ? renamed : `roberta.${renamed}`, tensor);
  }
  const cache = new Map<string, { shape: number[]; values: Float32Array }>();
  return {
    names: [...byName.keys()],
    has: (name) => byName.has(name),
    get(name) {
      const known = cache.get(name);
      if (known !== undefined) return known;
      const tensor = byName.get(name);
      if (tensor === undefined) throw new Error(`missing weight '${name}'`);
      const read = { shape: tensor.shape, values: tensor.read() };
      // The word embeddings are read twice by a masked-LM graph (lookup and tied decoder): keep them.
      if (name.endsWith('word_embeddings.weight')) cache.set(name, read);
      return read;
    },
  };
}

function detectHead(weights: { has(name: string): boolean }, source: string): RobertaHead {
  if (weights.has('classifier.out_proj.weight')) return 'sequence-classification';
  if (weights.has('lm_head.dense.weight')) return 'masked-lm';
  throw new Error(
    `${source}: missing weights: neither a classification head (classifier.out_proj.weight) ` +
      'nor a masked-LM head (lm_head.dense.weight)',
  );
}

/** config.json's model_type and hidden_act, checked before the full validation so the error says what the file is. */
function checkArchitecture(configFile: string): void {
  const raw = readJsonFile(configFile) as Record<string, unknown> | null;
  if (raw === null || typeof raw !== 'object') throw new Error(`${configFile}: expected a JSON object`);
  if (raw.model_type !== 'roberta') {
    const found = JSON.stringify(raw.model_type);
    throw new Error(`${configFile}: model_type must be "roberta" to export a RoBERTa graph, found ${found}`);
  }
  if (raw.hidden_act !== undefined && raw.hidden_act !== 'gelu') {
    const found = JSON.stringify(raw.hidden_act);
    throw new Error(`${configFile}: hidden_act must be "gelu" (exact erf GELU, the only one exported), found ${found}`);
  }
}

/** config.json for transformers.js: our usual config with the exported head's architecture. */
function exportedConfig(config: RobertaConfig, head: RobertaHead): Record<string, unknown> {
  return { ...configToJson(config), architectures: [ARCHITECTURES[head]] };
}

function hasTokenizerFiles(dir: string): boolean {
  const has = (name: string): boolean => fs.existsSync(path.join(dir, name));
  return has('tokenizer.json') || (has('vocab.json') && has('merges.txt'));
}

async function writeTokenizer(dir: string, source: string, config: RobertaConfig): Promise<void> {
  const tokenizer = await loadTokenizer(source);
  if (tokenizer.vocabSize > config.vocab_size) {
    const sizes = `its ${tokenizer.vocabSize} ids do not fit the model's vocab_size ${config.vocab_size}`;
    throw new Error(`tokenizer ${source}: ${sizes}`);
  }
  tokenizer.saveTo(dir);
  // transformers.js truncates to model_max_length: make it the longest input the position table holds.
  const configFile = path.join(dir, 'tokenizer_config.json');
  const tokenizerConfig = readJsonFile(configFile) as Record<string, unknown>;
  tokenizerConfig.model_max_length = Math.min(tokenizer.modelMaxLength, maxSequenceLength(config));
  writeJsonAtomic(configFile, tokenizerConfig);
}

/** Exports a saved RoBERTa model folder to ONNX in the layout transformers.js loads. */
export async function exportOnnx(options: ExportOptions): Promise<ExportResult> {
  const { out } = options;
  if (fs.existsSync(out) && !options.force) {
    throw new Error(`${out}: already exists; pass --force (force: true) to replace it`);
  }
  const files = await resolvePretrained(options.model);
  checkArchitecture(files.configFile);
  const config = loadConfig(files.configFile);
  const weights = checkpointWeights(readCheckpoint(files.weightFiles));
  const head = options.head ?? detectHead(weights, options.model);
  const tokenizerSource = options.tokenizer ?? (hasTokenizerFiles(options.model) ? options.model : null);
  const written: { name: string; bytes: number }[] = [];

  await replaceDirectory(out, async (temp) => {
    ensureDir(path.join(temp, ONNX_DIR));
    const variants: [string, boolean][] = [[ONNX_MODEL_FILE, false]];
    if (options.quantize) variants.push([ONNX_QUANTIZED_FILE, true]);
    for (const [name, quantize] of variants) {
      let graph;
      try {
        graph = buildRobertaGraph(config, weights, head, { quantize });
      } catch (err) {
        throw new Error(`${files.weightFiles.join(', ')}: ${(err as Error).message}`);
      }
      const relative = path.join(ONNX_DIR, name);
      written.push({ name: relative, bytes: writeOnnxModel(path.join(temp, relative), graph, PRODUCER) });
    }
    writeJsonAtomic(path.join(temp, 'config.json'), exportedConfig(config, head));
    if (tokenizerSource !== null) await writeTokenizer(temp, tokenizerSource, config);
  });
  return { out, head, files: written, tokenizer: tokenizerSource };
}
