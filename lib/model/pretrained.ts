// Hugging Face checkpoints on disk and on the Hub: finding the files (config.json + safetensors or
// pytorch_model.bin, sharded or not), reading their tensors, matching checkpoint names to the
// model's, and writing a folder Python `transformers` loads.
import * as fs from 'fs';
import * as path from 'path';
import { checkRelativeName, hubDownload, hubIdOf, hubListFiles, type HubOptions } from '../hub';
import { readJsonFile, writeJsonAtomic, ensureDir } from '../fsutil';
import { configToJson, loadConfig, robertaConfig, type RobertaConfig } from './config';
import type { ParameterSpec } from './parameters';
import { SafetensorsFile, writeSafetensors, type NamedFloat32Tensor } from './safetensors';
import { readTorchCheckpoint } from './torch-pickle';

export const CONFIG_FILE = 'config.json';
export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';
export const PYTORCH_FILE = 'pytorch_model.bin';
export const PYTORCH_INDEX_FILE = 'pytorch_model.bin.index.json';
/** Weight files in order of preference, as transformers looks for them. */
const WEIGHT_CANDIDATES = [SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE, PYTORCH_FILE, PYTORCH_INDEX_FILE];

export interface PretrainedOptions extends HubOptions {
  /** Number of labels of the classification head (a different count than the checkpoint's needs a fresh head). */
  numLabels?: number;
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
  /** Other config fields to override, e.g. dropout probabilities. */
  configOverrides?: Partial<RobertaConfig>;
  /** Seed for tensors the checkpoint lacks (a fresh classifier head). */
  seed?: number;
  /** Throw instead of initialising missing tensors. */
  strict?: boolean;
  /** Receives the load report when something was missing or unexpected (default console.warn). */
  log?: (message: string) => void;
}

/** The two model classes a checkpoint can be loaded into. */
export type RobertaArchitecture = 'RobertaForSequenceClassification' | 'RobertaForMaskedLM';

export interface LoadReport {
  source: string;
  /** The class the checkpoint was loaded into (default RobertaForSequenceClassification). */
  architecture?: RobertaArchitecture;
  files: string[];
  /** Model tensors the checkpoint did not have: initialised fresh. */
  missing: string[];
  /** Checkpoint tensors the model has no use for (not counting the ignored ones). */
  unexpected: string[];
  /** Checkpoint tensors dropped on purpose: pooler, lm_head, the position_ids buffer. */
  ignored: string[];
  /**
   * The checkpoint tensors transformers lists as not used for this class: the unexpected ones plus
   * the dropped ones it does not silence (pooler and lm_head for the classifier, classifier for the MLM).
   */
  unused?: string[];
}

// ---- Finding the files ----

export interface PretrainedFiles {
  configFile: string;
  weightFiles: string[];
}

/** Shard file names from a `*.index.json` ({"weight_map": {tensor: file}}). */
function shardNames(indexFile: string): string[] {
  const index = readJsonFile(indexFile) as { weight_map?: Record<string, string> } | null;
  const map = index?.weight_map;
  if (map === undefined || map === null || typeof map !== 'object')
    throw new Error(`${indexFile}: no "weight_map" object`);
  return [...new Set(Object.values(map))].map((shard) => checkRelativeName(shard, `${indexFile}: weight_map`));
}

function resolveLocal(dir: string): PretrainedFiles {
  const configFile = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(configFile)) throw new Error(`${dir}: no ${CONFIG_FILE} (not a Hugging Face model folder)`);
  const found = WEIGHT_CANDIDATES.find((name) => fs.existsSync(path.join(dir, name)));
  if (found === undefined) throw new Error(`${dir}: no weights (looked for ${WEIGHT_CANDIDATES.join(', ')})`);
  const file = path.join(dir, found);
  const weightFiles = found.endsWith('.index.json') ? shardNames(file).map((shard) => path.join(dir, shard)) : [file];
  return { configFile, weightFiles };
}

async function resolveHub(repoId: string, options: PretrainedOptions): Promise<PretrainedFiles> {
  const configFile = await hubDownload(repoId, CONFIG_FILE, options);
  let listed: string[] | null = null;
  try {
    listed = await hubListFiles(repoId, options);
  } catch {
    listed = null; // no listing (API unavailable): try the candidates one by one below
  }
  const available = listed;
  const candidates =
    available === null ? WEIGHT_CANDIDATES : WEIGHT_CANDIDATES.filter((name) => available.includes(name));
  const failures: string[] = [];
  for (const name of candidates) {
    let file: string;
    try {
      file = await hubDownload(repoId, name, options);
    } catch (err) {
      failures.push((err as Error).message);
      continue;
    }
    if (!name.endsWith('.index.json')) return { configFile, weightFiles: [file] };
    const weightFiles: string[] = [];
    for (const shard of shardNames(file)) weightFiles.push(await hubDownload(repoId, shard, options));
    return { configFile, weightFiles };
  }
  const detail =
    failures.length > 0 ? `: ${failures.join('; ')}` : ` (the repository lists ${listed?.join(', ') || 'no files'})`;
  throw new Error(`${repoId}: no weights found (looked for ${WEIGHT_CANDIDATES.join(', ')})${detail}`);
}

/** A local folder when it exists, otherwise a Hub repository id. */
export async function resolvePretrained(dirOrHubId: string, options: PretrainedOptions = {}): Promise<PretrainedFiles> {
  if (fs.existsSync(dirOrHubId)) {
    if (!fs.statSync(dirOrHubId).isDirectory()) throw new Error(`${dirOrHubId}: expected a model folder, found a file`);
    return resolveLocal(dirOrHubId);
  }
  return resolveHub(hubIdOf(dirOrHubId, 'expected a model folder or a Hub id (owner/name)'), options);
}

/** The checkpoint's config with the caller's label and field overrides applied. */
export function configForPretrained(configFile: string, options: PretrainedOptions): RobertaConfig {
  const config = loadConfig(configFile);
  const fields: Partial<RobertaConfig> = { ...config, ...options.configOverrides };
  if (options.id2label !== undefined) {
    fields.id2label = options.id2label;
    fields.label2id = options.label2id;
    fields.num_labels = options.numLabels ?? Object.keys(options.id2label).length;
  } else if (options.numLabels !== undefined && options.numLabels !== config.num_labels) {
    // New label count without names: LABEL_0.., as transformers does.
    delete fields.id2label;
    delete fields.label2id;
    fields.num_labels = options.numLabels;
  }
  return robertaConfig(fields, `${configFile} (with overrides)`);
}

// ---- Reading tensors ----

export interface CheckpointTensor {
  shape: number[];
  file: string;
  read(): Float32Array;
}

/** name -> tensor over one or more weight files (safetensors or torch). */
export function readCheckpoint(files: string[]): Map<string, CheckpointTensor> {
  const tensors = new Map<string, CheckpointTensor>();
  const add = (name: string, tensor: CheckpointTensor): void => {
    const previous = tensors.get(name);
    if (previous !== undefined) throw new Error(`${tensor.file}: tensor '${name}' is also in ${previous.file}`);
    tensors.set(name, tensor);
  };
  for (const file of files) {
    if (file.endsWith('.safetensors')) {
      const st = SafetensorsFile.read(file);
      for (const [name, info] of st.tensors) add(name, { shape: info.shape, file, read: () => st.readFloat32(name) });
    } else {
      const checkpoint = readTorchCheckpoint(file);
      for (const [name, tensor] of checkpoint.tensors) {
        add(name, { shape: tensor.shape, file, read: () => tensor.toFloat32(name, file) });
      }
    }
  }
  return tensors;
}

// ---- Matching names ----

export interface CheckpointMatch {
  /** Model name -> checkpoint tensor. */
  assigned: Map<string, CheckpointTensor>;
  missing: string[];
  unexpected: string[];
  ignored: string[];
  /** See LoadReport.unused. */
  unused: string[];
}

/** The tied decoder of RobertaLMHead: its weight is the word embeddings, its bias `lm_head.bias`. */
const DECODER_WEIGHT = 'lm_head.decoder.weight';
const DECODER_BIAS = 'lm_head.decoder.bias';

/** The model name a checkpoint key stands for: `roberta.` added where absent, LayerNorm gamma/beta renamed. */
function modelName(key: string): string {
  const renamed = key.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
  if (renamed.startsWith('roberta.') || renamed.startsWith('classifier.') || renamed.startsWith('lm_head.'))
    return renamed;
  return `roberta.${renamed}`;
}

function isIgnored(name: string): boolean {
  return (
    name.startsWith('roberta.pooler.') || name.startsWith('lm_head.') || name === 'roberta.embeddings.position_ids'
  );
}

/**
 * Dropped tensors transformers does not report as unused: the position_ids buffer, and for the
 * MLM the pooler (its _keys_to_ignore_on_load_unexpected) and the tied decoder copies.
 */
function isSilentlyIgnored(name: string, architecture: RobertaArchitecture): boolean {
  if (name === 'roberta.embeddings.position_ids') return true;
  if (architecture !== 'RobertaForMaskedLM') return false;
  return name.startsWith('roberta.pooler.') || name === DECODER_WEIGHT || name === DECODER_BIAS;
}

/**
 * Pairs checkpoint tensors with the model's parameters by name and checks every shape. Shape
 * mismatches are errors (all listed); missing tensors are reported (or an error with `strict`).
 */
export function matchCheckpoint(
  specs: ParameterSpec[],
  checkpoint: Map<string, CheckpointTensor>,
  {
    strict,
    architecture = 'RobertaForSequenceClassification',
  }: { strict: boolean; architecture?: RobertaArchitecture },
): CheckpointMatch {
  const expected = new Map(specs.map((spec) => [spec.name, spec]));
  const assigned = new Map<string, CheckpointTensor>();
  const sourceKey = new Map<string, string>();
  const unexpected: string[] = [];
  const ignored: string[] = [];
  const unused: string[] = [];
  const mismatches: string[] = [];
  // Older checkpoints store the output bias only as the decoder's; it stands for lm_head.bias then.
  const names = [...checkpoint.keys()].map(modelName);
  const decoderBiasIsTheBias = expected.has('lm_head.bias') && !names.includes('lm_head.bias');
  for (const [key, tensor] of checkpoint) {
    let name = modelName(key);
    if (name === DECODER_BIAS && decoderBiasIsTheBias) name = 'lm_head.bias';
    const spec = expected.get(name);
    if (spec === undefined) {
      if (isIgnored(name)) ignored.push(key);
      else unexpected.push(key);
      if (!isSilentlyIgnored(name, architecture)) unused.push(key);
      continue;
    }
    const earlier = sourceKey.get(name);
    if (earlier !== undefined)
      throw new Error(`${tensor.file}: tensors '${earlier}' and '${key}' both stand for '${name}'`);
    sourceKey.set(name, key);
    if (spec.shape.length !== tensor.shape.length || spec.shape.some((d, i) => d !== tensor.shape[i])) {
      mismatches.push(`'${key}' is [${tensor.shape.join(', ')}], the config needs [${spec.shape.join(', ')}]`);
      continue;
    }
    assigned.set(name, tensor);
  }
  const file = [...checkpoint.values()][0]?.file ?? 'checkpoint';
  if (mismatches.length > 0) {
    throw new Error(`${file}: tensor shapes do not match the config: ${mismatches.join('; ')}`);
  }
  const missing = specs.map((spec) => spec.name).filter((name) => !assigned.has(name));
  const encoderFound = [...assigned.keys()].some((name) => name.startsWith('roberta.'));
  if (!encoderFound) {
    throw new Error(
      `${file}: no RoBERTa tensors found (${checkpoint.size} tensors, e.g. ` +
        `${[...checkpoint.keys()].slice(0, 3).join(', ')})`,
    );
  }
  if (strict && missing.length > 0) throw new Error(`${file}: missing tensors: ${missing.join(', ')}`);
  return { assigned, missing, unexpected, ignored, unused };
}

/** A Hugging Face-style warning when tensors were missing or unexpected; null when all matched. */
export function formatLoadReport(report: LoadReport): string | null {
  const architecture = report.architecture ?? 'RobertaForSequenceClassification';
  const unused = report.unused ?? report.unexpected;
  const lines: string[] = [];
  if (unused.length > 0) {
    const otherTask = unused.every((name) => /^(roberta\.)?pooler\.|^lm_head\.|^classifier\./.test(name));
    lines.push(
      `Some tensors of ${report.source} were not used by ${architecture} (not used: ${unused.join(', ')})` +
        (otherTask
          ? '\nThis is expected when the checkpoint was trained for another task (e.g. masked-language modelling).'
          : ''),
    );
  }
  if (report.missing.length > 0) {
    const headOnly = report.missing.every((name) => name.startsWith('classifier.'));
    lines.push(
      `Some weights of ${architecture} were not in ${report.source} and are newly initialized: ` +
        report.missing.join(', ') +
        (headOnly ? '\nThis is expected for a base checkpoint: train the model before using it for predictions.' : ''),
    );
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

/**
 * Which class a checkpoint was saved from: config.json's `architectures` when it names one of
 * ours, otherwise the tensors (a `classifier.*` head or an `lm_head.*`); a bare body counts as a classifier.
 */
export function checkpointArchitecture(
  configFile: string,
  checkpoint: Map<string, CheckpointTensor>,
): RobertaArchitecture {
  const json = readJsonFile(configFile) as { architectures?: unknown } | null;
  const architectures = json?.architectures;
  const listed: unknown[] = Array.isArray(architectures) ? architectures : [];
  for (const name of listed) {
    if (name === 'RobertaForMaskedLM' || name === 'RobertaForSequenceClassification') return name;
  }
  const names = [...checkpoint.keys()];
  if (names.some((name) => name.startsWith('classifier.'))) return 'RobertaForSequenceClassification';
  if (names.some((name) => name.startsWith('lm_head.'))) return 'RobertaForMaskedLM';
  return 'RobertaForSequenceClassification';
}

/** The class a local folder or Hub checkpoint was saved from (see checkpointArchitecture). */
export async function pretrainedArchitecture(
  dirOrHubId: string,
  options: PretrainedOptions = {},
): Promise<RobertaArchitecture> {
  const files = await resolvePretrained(dirOrHubId, options);
  return checkpointArchitecture(files.configFile, readCheckpoint(files.weightFiles));
}

// ---- Writing ----

/** config.json + model.safetensors, each written atomically. */
export function savePretrainedFiles(
  dir: string,
  config: RobertaConfig,
  tensors: NamedFloat32Tensor[],
  architecture: RobertaArchitecture = 'RobertaForSequenceClassification',
): void {
  ensureDir(dir);
  writeSafetensors(path.join(dir, SAFETENSORS_FILE), tensors, { format: 'pt' });
  writeJsonAtomic(path.join(dir, CONFIG_FILE), { ...configToJson(config), architectures: [architecture] });
}

/** What `loadPretrainedValues` read: the config, the matched weights by name, and the load report. */
export interface PretrainedValues {
  config: RobertaConfig;
  values: Map<string, Float32Array>;
  report: LoadReport;
}

/**
 * Reads a checkpoint (folder or Hub id) for `architecture`: its config, the weights matched to the
 * parameters `specsOf(config)` lists, and a load report, which is logged when it has news.
 */
export async function loadPretrainedValues(
  dirOrHubId: string,
  options: PretrainedOptions,
  architecture: RobertaArchitecture,
  specsOf: (config: RobertaConfig) => ParameterSpec[],
): Promise<PretrainedValues> {
  const files = await resolvePretrained(dirOrHubId, options);
  const config = configForPretrained(files.configFile, options);
  const checkpoint = readCheckpoint(files.weightFiles);
  const match = matchCheckpoint(specsOf(config), checkpoint, { strict: options.strict ?? false, architecture });
  const values = new Map<string, Float32Array>();
  for (const [name, tensor] of match.assigned) values.set(name, tensor.read());
  const report: LoadReport = {
    source: dirOrHubId,
    architecture,
    files: files.weightFiles,
    missing: match.missing,
    unexpected: match.unexpected,
    ignored: match.ignored,
    unused: match.unused,
  };
  const message = formatLoadReport(report);
  if (message !== null) (options.log ?? ((line: string) => console.warn(line)))(message);
  return { config, values, report };
}
