// What each training argument does, in one line: the notebooks' settings tables show these.
import type { TrainingArguments } from '../training-arguments';

export const TRAINING_ARGUMENT_NOTES: Record<keyof TrainingArguments, string> = {
  outputDir: 'saved models and checkpoints go here',
  numTrainEpochs: 'passes over the training reviews',
  perDeviceTrainBatchSize: 'reviews per training batch',
  perDeviceEvalBatchSize: 'reviews per evaluation batch',
  gradientAccumulationSteps: 'batches whose gradients are averaged into one optimizer step',
  learningRate: 'peak learning rate',
  optim: 'adam: Adam as in torch.optim; adamw: with decoupled weight decay',
  weightDecay: 'adam: L2 penalty added to the gradient; adamw: decoupled decay; 0: none',
  lrSchedulerType: 'constant: the same rate every step; linear: decays to 0 at the last step',
  warmupRatio: 'share of the optimizer steps over which the rate climbs from 0',
  warmupSteps: 'warm-up in optimizer steps; above 0 it replaces warmupRatio',
  maxGradNorm: 'gradients clipped to this global norm (0: no clipping)',
  evalStrategy: 'epoch: validation loss and metrics after every epoch',
  saveStrategy: 'epoch: the model saved (Hugging Face layout) after every epoch',
  loggingStrategy: 'epoch: a summary line after every epoch',
  loadBestModelAtEnd: "true: the best epoch's weights are put back at the end",
  metricForBestModel: 'what "best" means for loadBestModelAtEnd',
  seed: 'weight initialisation, dropout masks and shuffling',
  resumeFromCheckpoint: 'a checkpoint folder to continue from',
  maxLength: 'reviews are truncated to this many tokens',
  padding: "static: pad to maxLength; dynamic: to the batch's longest; grouped: batches of similar length",
  saveCheckpoints: 'a resumable checkpoint (weights and optimizer moments) after every epoch',
  checkpointSteps: 'also a checkpoint every this many optimizer steps (0: never)',
  progress: 'progress bars (false: none)',
};
