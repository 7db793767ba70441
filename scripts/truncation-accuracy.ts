// What truncation costs in accuracy: one model, trained on whole reviews (up to 512 tokens), then
// scored on the same test reviews read three ways: the first 512 tokens, the first 256, and the
// first and last tokens within 256 (head+tail). Too slow for notebook 03's time budget, so a script.
//
//   node dist/scripts/truncation-accuracy.js [--train N] [--test N] [--epochs N]
//
// The model is params.ts's (`model`, `tokenizer`, `data`, learning rate, seed); prints one JSON line.
import { parseArgs } from 'util';
import { initBackend } from '../lib/backend';
import { DataLoader, tokenizedExamples } from '../lib/batching';
import { loadImdb } from '../lib/data/imdb';
import { loadTokenizer } from '../lib/tokenizer';
import { loadModelForTraining, trainingArguments } from '../lib/train-api';
import { Trainer, evaluateBatches } from '../lib/trainer';
import { headTailSplit, truncateIds, type TruncationStrategy } from '../lib/truncation';
import { params } from '../params';

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`--${name}: expected a positive integer, found '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      train: { type: 'string', default: '800' },
      test: { type: 'string', default: '500' },
      epochs: { type: 'string', default: '2' },
    },
  });
  const trainSize = positiveInteger(values.train, 'train');
  const testSize = positiveInteger(values.test, 'test');
  const epochs = positiveInteger(values.epochs, 'epochs');
  const platform = await initBackend(params.backend);
  const tokenizer = await loadTokenizer(params.tokenizer);
  const data = await loadImdb(params.data, {
    seed: params.seed,
    limit: { train: trainSize, validation: 1, test: testSize },
  });
  const settings = { ...params, maxLength: 512 };
  const model = await loadModelForTraining(settings, tokenizer);
  const trainTexts = data.train.column('text').values as string[];
  const trainLabels = data.train.column('label').values as number[];
  const trainLoader = new DataLoader(tokenizedExamples(tokenizer.encodePlain(trainTexts).inputIds, trainLabels), {
    batchSize: params.perDeviceTrainBatchSize,
    mode: 'grouped',
    maxLength: 512,
    seed: params.seed,
    padTokenId: tokenizer.padTokenId,
  });
  const started = performance.now();
  const args = trainingArguments(
    {
      numTrainEpochs: epochs,
      maxLength: 512,
      outputDir: 'runs/truncation-accuracy',
      evalStrategy: 'no',
      saveStrategy: 'no',
      loadBestModelAtEnd: false,
      saveCheckpoints: false,
    },
    params,
  );
  const trainer = new Trainer({ model, args, trainLoader, log: (line) => process.stderr.write(`${line}\n`) });
  await trainer.fit();

  const testIds = tokenizer.encodePlain(data.test.column('text').values as string[]).inputIds;
  const testLabels = data.test.column('label').values as number[];
  const long = testIds.map((_, i) => i).filter((i) => testIds[i].length > 256);
  const score = async (maxLength: number, strategy: TruncationStrategy, rows: number[]): Promise<number> => {
    const ids = rows.map((i) => truncateIds(testIds[i], maxLength, strategy));
    const loader = new DataLoader(
      tokenizedExamples(
        ids,
        rows.map((i) => testLabels[i]),
      ),
      {
        batchSize: params.perDeviceEvalBatchSize,
        mode: 'grouped',
        maxLength,
        shuffle: false,
        padTokenId: tokenizer.padTokenId,
      },
    );
    return (await evaluateBatches(model, loader, 2)).accuracy;
  };
  const all = testIds.map((_, i) => i);
  const headTail = headTailSplit(256);
  const cases: [string, number, TruncationStrategy][] = [
    ['head 512', 512, { kind: 'head' }],
    ['head 256', 256, { kind: 'head' }],
    [`head+tail 256 (${headTail.headTokens} + ${254 - headTail.headTokens})`, 256, headTail],
  ];
  const accuracy: Record<string, { all: number; longerThan256: number }> = {};
  for (const [name, maxLength, strategy] of cases) {
    accuracy[name] = {
      all: await score(maxLength, strategy, all),
      longerThan256: await score(maxLength, strategy, long),
    };
  }
  model.dispose();
  console.log(
    JSON.stringify({
      backend: platform.backend,
      model: params.model,
      data: params.data,
      trainReviews: trainSize,
      epochs,
      testReviews: testSize,
      testReviewsLongerThan256: long.length,
      trainingSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      accuracy,
    }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
