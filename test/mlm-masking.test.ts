// Dynamic masking (15% picked; of those 80% <mask>, 10% random, 10% unchanged; special tokens never
// picked; a fresh, seeded mask per batch) and full-sentence packing (contiguous, </s> between
// documents, at most maxLength, nothing lost).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { maskTokens, type MaskingOptions } from '../lib/data/masking';
import { packSequences, splitSentences } from '../lib/data/packing';
import { maskRng } from '../lib/pretrain';
import { mulberry32 } from '../lib/random';

const BOS = 0;
const PAD = 1;
const EOS = 2;
const MASK = 999;
const VOCAB = 1000;
const SPECIAL = new Set([BOS, PAD, EOS, MASK]);
const options: MaskingOptions = { maskTokenId: MASK, vocabSize: VOCAB, isSpecialId: (id) => SPECIAL.has(id) };

/** Sequences of ordinary ids framed by <s> ... </s> and padded, flattened: like a packed batch. */
function batchIds(tokens: number, seed: number): Int32Array {
  const rng = mulberry32(seed);
  const ids: number[] = [];
  while (ids.length < tokens) {
    const length = 20 + Math.floor(rng() * 40);
    ids.push(BOS);
    for (let i = 0; i < length; i++) ids.push(3 + Math.floor(rng() * (VOCAB - 4)));
    ids.push(EOS, PAD, PAD, PAD);
  }
  return Int32Array.from(ids);
}

test(
  '15% of the ordinary tokens are picked; of those 80% become <mask>, 10% a random id, 10% stay; specials ' + 'never',
  () => {
    const ids = batchIds(400_000, 1);
    const { inputIds, labels } = maskTokens(ids, mulberry32(7), options);
    let eligible = 0;
    let picked = 0;
    let masked = 0;
    let replaced = 0;
    let kept = 0;
    ids.forEach((id, i) => {
      if (SPECIAL.has(id)) {
        assert.equal(labels[i], -100, `special id ${id} at ${i} was picked`);
        assert.equal(inputIds[i], id, `special id ${id} at ${i} was changed`);
        return;
      }
      eligible += 1;
      if (labels[i] === -100) {
        assert.equal(inputIds[i], id, `unpicked token at ${i} was changed`);
        return;
      }
      picked += 1;
      assert.equal(labels[i], id, `label at ${i} is not the original id`);
      if (inputIds[i] === MASK) masked += 1;
      else if (inputIds[i] === id) kept += 1;
      else replaced += 1;
    });
    const share = picked / eligible;
    assert.ok(Math.abs(share - 0.15) < 0.003, `picked share ${share}`);
    // A random replacement equals the original id 1 time in VOCAB: it then counts as kept.
    assert.ok(Math.abs(masked / picked - 0.8) < 0.008, `<mask> share ${masked / picked}`);
    assert.ok(Math.abs(replaced / picked - 0.1 * (1 - 1 / VOCAB)) < 0.006, `random share ${replaced / picked}`);
    assert.ok(Math.abs(kept / picked - (0.1 + 0.1 / VOCAB)) < 0.006, `unchanged share ${kept / picked}`);
  },
);

test('a fresh mask for every batch counter, the same mask for the same seed and counter', () => {
  const ids = batchIds(20_000, 2);
  const first = maskTokens(ids, maskRng(42, 0), options);
  const again = maskTokens(ids, maskRng(42, 0), options);
  assert.deepEqual(again, first);
  const next = maskTokens(ids, maskRng(42, 1), options);
  const otherSeed = maskTokens(ids, maskRng(43, 0), options);
  const heldOut = maskTokens(ids, maskRng(42, 0, 'held-out'), options);
  for (const [what, other] of [
    ['next counter', next],
    ['other seed', otherSeed],
    ['held-out', heldOut],
  ] as const) {
    let both = 0;
    let pickedFirst = 0;
    first.labels.forEach((label, i) => {
      if (label === -100) return;
      pickedFirst += 1;
      if (other.labels[i] !== -100) both += 1;
    });
    // Independent masks overlap on about 15% of the picked positions.
    assert.ok(both / pickedFirst < 0.25, `${what}: ${both} of ${pickedFirst} picked positions repeat`);
  }
});

test('a short input still gets one picked token; an input of special tokens only is an error', () => {
  const { labels } = maskTokens([BOS, 5, EOS], () => 0.99, options);
  assert.deepEqual(Array.from(labels), [-100, 5, -100]);
  assert.throws(() => maskTokens([BOS, EOS, PAD], mulberry32(1), options), /none of the 3 tokens can be masked/);
});

test(
  'packing keeps whole sentences in order, puts </s> between documents, respects maxLength and loses ' + 'nothing',
  () => {
    const rng = mulberry32(3);
    let next = 10;
    // Unique ids per token so order and placement can be checked exactly.
    const documents = Array.from({ length: 40 }, () =>
      Array.from({ length: 1 + Math.floor(rng() * 4) }, () =>
        Array.from({ length: 1 + Math.floor(rng() * 9) }, () => next++),
      ),
    );
    documents.push([[...Array(23).keys()].map(() => next++)]); // longer than a whole sequence
    const maxLength = 12;
    const sequences = packSequences(documents, { maxLength, bosTokenId: BOS, eosTokenId: EOS });
    const inner: number[] = [];
    for (const sequence of sequences) {
      assert.ok(sequence.length <= maxLength, `a sequence of ${sequence.length} tokens`);
      assert.equal(sequence[0], BOS);
      assert.equal(sequence[sequence.length - 1], EOS);
      const content = sequence.slice(1, -1);
      assert.ok(
        content.length > 0 && content[0] !== EOS && content[content.length - 1] !== EOS,
        'a separator at a sequence edge',
      );
      inner.push(...content.filter((id) => id !== EOS));
    }
    assert.deepEqual(inner, documents.flat(2), 'tokens lost, added or reordered');
    const documentOf = new Map<number, number>();
    documents.forEach((sentences, d) => sentences.flat().forEach((id) => documentOf.set(id, d)));
    for (const sequence of sequences) {
      const content = sequence.slice(1, -1);
      for (let i = 1; i < content.length; i++) {
        const [a, b] = [content[i - 1], content[i]];
        if (b === EOS) continue;
        const previous = a === EOS ? content[i - 2] : a;
        // Within a sequence, a document change happens exactly where a separator stands.
        assert.equal(documentOf.get(previous) !== documentOf.get(b), a === EOS, `around ${a}, ${b}`);
      }
    }
    // A sentence that fits in a sequence is never cut.
    const capacity = maxLength - 2;
    for (const sentence of documents.flat()) {
      if (sentence.length > capacity) continue;
      const holder = sequences.find((s) => s.includes(sentence[0]));
      assert.ok(
        holder !== undefined && sentence.every((id) => holder.includes(id)),
        `sentence starting ${sentence[0]} was cut`,
      );
    }
    assert.ok(
      sequences.slice(0, -1).every((s) => s.length >= maxLength / 2),
      'sequences are not packed',
    );
  },
);

test('sentences split before the space that follows . ! or ?, so their concatenation is the text', () => {
  const text = 'A great film. Really?! I loved it...  The end.';
  const sentences = splitSentences(text);
  assert.deepEqual(sentences, ['A great film.', ' Really?!', ' I loved it...', '  The end.']);
  assert.equal(sentences.join(''), text);
});
