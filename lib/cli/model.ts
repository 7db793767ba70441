// `ft-roberta logits` and `ft-roberta resave`: the model's command-line face, also used to check
// parity with Python on checkpoints from elsewhere.
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { LOGITS, RESAVE } from './specs';
import { defineCommand, type CliCommand } from './types';
import { BACKEND_CHOICES, initBackend } from '../backend';
import { readJsonFile } from '../fsutil';
import { RobertaForMaskedLM, RobertaForSequenceClassification } from '../model/roberta';
import { pretrainedArchitecture } from '../model/pretrained';
import { checkModelInputs } from '../model/inputs';

/** A rectangular int matrix from the input file; errors name the file and field. */
function intMatrix(file: string, field: string, value: unknown): number[][] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(Array.isArray)) {
    throw new Error(`${file}: "${field}" must be a non-empty list of lists of integers`);
  }
  const rows = value as unknown[][];
  const width = rows[0].length;
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new Error(`${file}: "${field}" row ${i} has ${row.length} entries, row 0 has ${width}`);
    }
    const bad = row.findIndex((v) => typeof v !== 'number' || !Number.isInteger(v));
    if (bad >= 0) {
      throw new Error(`${file}: "${field}"[${i}][${bad}] must be an integer, found ${JSON.stringify(row[bad])}`);
    }
  });
  if (width === 0) throw new Error(`${file}: "${field}" rows are empty`);
  return rows as number[][];
}

function readLogitsInput(file: string): { inputIds: number[][]; attentionMask: number[][] | null } {
  const json = readJsonFile(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(`${file}: expected {"input_ids": [[...]], "attention_mask": [[...]]}`);
  }
  const record = json as Record<string, unknown>;
  const inputIds = intMatrix(file, 'input_ids', record.input_ids);
  if (record.attention_mask === undefined) return { inputIds, attentionMask: null };
  const attentionMask = intMatrix(file, 'attention_mask', record.attention_mask);
  if (attentionMask.length !== inputIds.length || attentionMask[0].length !== inputIds[0].length) {
    throw new Error(
      `${file}: "attention_mask" is ${attentionMask.length}x${attentionMask[0].length}, ` +
        `"input_ids" ${inputIds.length}x${inputIds[0].length}`,
    );
  }
  return { inputIds, attentionMask };
}

function logToStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}

const logits: CliCommand = defineCommand(LOGITS, async (args) => {
  const backend = args.oneOf('backend', BACKEND_CHOICES, 'auto');
  const modelSource = args.required('model');
  const inputFile = args.required('input');
  const input = readLogitsInput(inputFile);
  await initBackend(backend);
  const log = { log: logToStderr };
  const masked = (await pretrainedArchitecture(modelSource, log)) === 'RobertaForMaskedLM';
  const model = masked
    ? await RobertaForMaskedLM.fromPretrained(modelSource, log)
    : await RobertaForSequenceClassification.fromPretrained(modelSource, log);
  try {
    checkModelInputs(input, { source: inputFile, vocabSize: model.config.vocab_size });
    // [batch][labels] from a classifier, [batch][sequence][vocabulary] from a masked-language model.
    const rows = tf.tidy(() => {
      const inputIds = tf.tensor2d(input.inputIds, undefined, 'int32');
      const attentionMask =
        input.attentionMask === null ? undefined : tf.tensor2d(input.attentionMask, undefined, 'int32');
      return model.forward({ inputIds, attentionMask }, { training: false }).arraySync();
    });
    // An MLM's logits run to megabytes: wait until the pipe took them all, since the CLI exits right after.
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(`${JSON.stringify({ logits: rows })}\n`, (err) => (err ? reject(err) : resolve())),
    );
  } finally {
    model.dispose();
  }
});

const resave: CliCommand = defineCommand(RESAVE, async (args) => {
  const backend = args.oneOf('backend', BACKEND_CHOICES, 'auto');
  const modelSource = args.required('model');
  const out = args.required('out');
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new Error(`${out}: exists and is not a folder`);
  await initBackend(backend);
  const model = await RobertaForSequenceClassification.fromPretrained(modelSource, { log: logToStderr });
  try {
    await model.savePretrained(out);
    const report = model.loadReport;
    const summary = {
      saved: out,
      parameters: model.numParameters(),
      missing: report?.missing ?? [],
      unexpected: report?.unexpected ?? [],
      ignored: report?.ignored ?? [],
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    model.dispose();
  }
});

export const commands: Record<string, CliCommand> = { logits, resave };
