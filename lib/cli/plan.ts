// `ft-roberta plan-batch`: what autoFindBatchSize would pick for a model on this backend, measured in
// a process of its own (notebook 01 asks it about roberta-base without growing its own heap).
import { PLAN_BATCH } from './specs';
import { defineCommand, type CliCommand } from './types';
import { BACKEND_CHOICES, initBackend } from '../backend';
import { WORKSHOP_DEFAULTS as workshopParams } from '../defaults';
import { OFFLINE_MODEL_CONFIG, ROBERTA_BASE_CONFIG } from '../model/config';
import { RobertaForSequenceClassification } from '../model/roberta';
import { describePlan, planMicroBatches } from '../micro-batch';

const SHAPES = { base: ROBERTA_BASE_CONFIG, offline: OFFLINE_MODEL_CONFIG } as const;

export const commands: Record<string, CliCommand> = {
  'plan-batch': defineCommand(PLAN_BATCH, async (args) => {
    const shape = args.oneOf('shape', ['base', 'offline'] as const, 'base');
    const modelDir = args.string('model');
    const effectiveBatchSize = args.integer('batch-size', 16);
    const maxLength = args.integer('max-length', 256);
    const backend = args.oneOf('backend', BACKEND_CHOICES, workshopParams.backend);
    const wasmThreads =
      args.string('wasm-threads') === undefined ? workshopParams.wasmThreads : args.integer('wasm-threads', 1);
    await initBackend(backend, { wasmThreads });
    const model =
      modelDir === undefined
        ? RobertaForSequenceClassification.fromConfig(SHAPES[shape])
        : await RobertaForSequenceClassification.fromPretrained(modelDir);
    const plan = await planMicroBatches(model, { effectiveBatchSize, maxLength });
    process.stderr.write(describePlan(plan) + '\n');
    process.stdout.write(JSON.stringify(plan) + '\n');
    model.dispose();
  }),
};
