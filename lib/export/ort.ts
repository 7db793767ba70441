// Running an exported model on ONNX Runtime (onnxruntime-node, native, multi-threaded): the same
// graph transformers.js runs, from this library's pipeline and evaluation.
//
//   const model = await OnnxRuntimeModel.load('web/model', { quantized: true });
//   const logits = await model.run(inputIds, attentionMask, [batch, seq]);   // Float32Array, dims
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadConfig, type RobertaConfig } from '../model/config';
import { exportOnnx, ONNX_DIR, ONNX_MODEL_FILE, ONNX_QUANTIZED_FILE } from './onnx';
import { ATTENTION_MASK, INPUT_IDS, LOGITS } from './onnx-graph';

export interface OnnxRuntimeOptions {
  /** Run onnx/model_quantized.onnx instead of onnx/model.onnx (default false). */
  quantized?: boolean;
  /** intraOpNumThreads (default: every core). */
  threads?: number;
}

export interface OnnxOutput {
  logits: Float32Array;
  dims: number[];
}

type OrtModule = typeof import('onnxruntime-node');

function int64Tensor(ort: OrtModule, values: ArrayLike<number>, shape: [number, number]): Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
  return new ort.Tensor('int64', data, shape);
}

/** An exported folder (config.json + onnx/model*.onnx) loaded into an ONNX Runtime session. */
export class OnnxRuntimeModel {
  private constructor(
    readonly config: RobertaConfig,
    /** The .onnx file the session runs. */
    readonly modelFile: string,
    private readonly session: InferenceSession,
    private readonly ort: OrtModule,
  ) {}

  static async load(dir: string, options: OnnxRuntimeOptions = {}): Promise<OnnxRuntimeModel> {
    const modelFile = path.join(dir, ONNX_DIR, options.quantized ? ONNX_QUANTIZED_FILE : ONNX_MODEL_FILE);
    if (!fs.existsSync(modelFile)) {
      const hint = options.quantized
        ? ' (export with --quantize to get it)'
        : ' (export the model with `ft-roberta export` first)';
      throw new Error(`${dir}: no ${path.join(ONNX_DIR, path.basename(modelFile))}${hint}`);
    }
    const config = loadConfig(path.join(dir, 'config.json'));
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(modelFile, {
      intraOpNumThreads: options.threads ?? os.availableParallelism(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new OnnxRuntimeModel(config, modelFile, session, ort);
  }

  /** Logits for a padded batch of ids and mask (row-major [batch, seq]). */
  async run(
    inputIds: ArrayLike<number>,
    attentionMask: ArrayLike<number>,
    shape: [number, number],
  ): Promise<OnnxOutput> {
    const [batch, seq] = shape;
    if (inputIds.length !== batch * seq || attentionMask.length !== batch * seq) {
      throw new Error(
        `onnxruntime: batch [${batch}, ${seq}] needs ${batch * seq} ids and mask values, ` +
          `got ${inputIds.length} and ${attentionMask.length}`,
      );
    }
    const feeds = {
      [INPUT_IDS]: int64Tensor(this.ort, inputIds, shape),
      [ATTENTION_MASK]: int64Tensor(this.ort, attentionMask, shape),
    };
    const result = await this.session.run(feeds);
    const logits = result[LOGITS];
    return { logits: logits.data as Float32Array, dims: [...logits.dims] };
  }
}

/**
 * An exported folder, or a saved model folder exported to a temporary folder first (removed once
 * the session has read it).
 */
export async function loadOnnxRuntimeModel(dir: string, options: OnnxRuntimeOptions = {}): Promise<OnnxRuntimeModel> {
  if (fs.existsSync(path.join(dir, ONNX_DIR))) return OnnxRuntimeModel.load(dir, options);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'ft-roberta-onnx-'));
  try {
    const exported = path.join(temp, 'model');
    await exportOnnx({ model: dir, out: exported, quantize: options.quantized === true });
    return await OnnxRuntimeModel.load(exported, options);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
