// The training arguments as a table: every field of the object the Trainer receives, with what it
// does. Generated from the object itself, so what is on screen is what trains.
import type { TrainingArguments } from '../training-arguments';
import { showTable, type Row } from './html';
import { formatParameter } from './setup';
import { TRAINING_ARGUMENT_NOTES } from './training-argument-notes';

/** One row per field that has a value, in the object's order. */
export function trainingArgumentRows(args: Partial<TrainingArguments>): Row[] {
  return Object.entries(args)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({
      argument: key,
      value: formatParameter(key, value),
      meaning: TRAINING_ARGUMENT_NOTES[key as keyof TrainingArguments] ?? '',
    }));
}

export function showTrainingArguments(
  args: Partial<TrainingArguments>,
  caption = 'Training arguments: the object the Trainer receives',
): void {
  showTable(trainingArgumentRows(args), { caption, maxRows: 50 });
}
