// The conventions every `ft-roberta` command follows, checked on the built bin as users run it:
// --help per command, --version, exit codes 0 / 1 / 2, JSON on stdout and messages on stderr, and
// --help / --version answering without loading tfjs.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './helpers/paths';
import { commandUsage, parseCommandArgs, UsageError, type CommandSpec } from '../lib/cli/args';
import * as specs from '../lib/cli/specs';

const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-conventions-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], nodeOptions: string[] = []): Run {
  const result = spawnSync(process.execPath, [...nodeOptions, CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FT_ROBERTA_BACKEND: 'wasm' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ALL_SPECS: CommandSpec[] = Object.values(specs);

test('every command prints its own usage for --help and -h, on stdout, exit 0', () => {
  assert.equal(ALL_SPECS.length, 13);
  for (const spec of ALL_SPECS) {
    for (const flag of ['--help', '-h']) {
      const run = cli([spec.name, flag]);
      assert.equal(run.status, 0, `${spec.name} ${flag}: ${run.stderr}`);
      assert.equal(run.stdout, commandUsage(spec) + '\n');
      assert.match(run.stdout, new RegExp(`^usage: ft-roberta ${spec.name} `));
      for (const option of Object.keys(spec.options)) {
        assert.ok(run.stdout.includes(`--${option}`), `${spec.name} --help lists --${option}`);
      }
      assert.equal(run.stderr, '');
    }
  }
  // Help wins over anything else on the line, even a missing required option.
  const help = cli(['logits', '--model', 'x', '--help']);
  assert.equal(help.status, 0);
  assert.equal(help.stdout, commandUsage(specs.LOGITS) + '\n');
});

test('--version prints the package version; --help lists every command', () => {
  const packageJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const version = packageJson.version;
  assert.deepEqual(cli(['--version']), { status: 0, stdout: version + '\n', stderr: '' });
  const help = cli(['--help']);
  assert.equal(help.status, 0);
  for (const spec of ALL_SPECS) {
    assert.ok(help.stdout.includes(`  ${spec.name} `) && help.stdout.includes(spec.summary), spec.name);
  }
  assert.equal(cli([]).stdout, help.stdout);
  assert.equal(cli(['help', 'train']).stdout, commandUsage(specs.TRAIN) + '\n');
});

test('usage errors exit 2 with the message and the usage on stderr, nothing on stdout', () => {
  const cases: [string[], RegExp, CommandSpec | null][] = [
    [['frobnicate'], /^ft-roberta: unknown command 'frobnicate'\n\nusage: ft-roberta <command>/, null],
    [['--frobnicate'], /^ft-roberta: unknown option '--frobnicate'\n/, null],
    [['train', '--epochs', '3'], /^ft-roberta: train: unknown option '--epochs'\n/, specs.TRAIN],
    [['train', 'extra'], /^ft-roberta: train: unexpected argument "extra"/, specs.TRAIN],
    [['train', '--params'], /^ft-roberta: train: --params needs a value \(FILE\.json\)\n/, specs.TRAIN],
    [['logits', '--input', 'x.json'], /^ft-roberta: logits: missing --model DIR\|HUB_ID\n/, specs.LOGITS],
    [
      ['logits', '--model', 'm', '--input', 'x.json', '--backend', 'gpu'],
      /--backend should be one of auto, tensorflow, wasm, cpu, found "gpu"/,
      specs.LOGITS,
    ],
    [
      ['corpus', '--split', 'dev'],
      /^ft-roberta: corpus: --split should be one of train, validation, test, unsupervised, found "dev"\n/,
      specs.CORPUS,
    ],
    [['corpus', '--limit', 'ten'], /--limit should be an integer >= 0, found "ten"/, specs.CORPUS],
    [['corpus', '--stats=yes'], /--stats takes no value, found "yes"/, specs.CORPUS],
    [['predict', '--model', 'm'], /^ft-roberta: predict: give at least one TEXT\n/, specs.PREDICT],
    [['evaluate', '--model', 'm', '--limit', '0'], /--limit should be a positive integer, found "0"/, specs.EVALUATE],
    [
      ['padding-report', '--mode', 'bucket'],
      /--mode should be one of static, dynamic, grouped, found "bucket"/,
      specs.PADDING_REPORT,
    ],
    [['bench', '--model', 'huge'], /^ft-roberta: bench: --model: expected tiny or base, got 'huge'\n/, specs.BENCH],
    [['bench', '--turbo'], /^ft-roberta: bench: unknown option '--turbo'\n/, specs.BENCH],
  ];
  for (const [args, pattern, spec] of cases) {
    const run = cli(args);
    const label = args.join(' ');
    assert.equal(run.status, 2, `${label}: exit ${run.status}, stderr ${run.stderr}`);
    assert.equal(run.stdout, '', label);
    assert.match(run.stderr, pattern, label);
    // eslint-disable-next-line no-regex-spaces -- the help lists commands after two spaces
    const usageShown = spec === null ? /\n\nusage: ft-roberta <command> \[options\]\n[^]*\n  bench  / : null;
    if (usageShown !== null) assert.match(run.stderr, usageShown, `${label}: the command list on stderr`);
    else assert.ok(run.stderr.endsWith(commandUsage(spec!) + '\n'), `${label}: the command's usage on stderr`);
  }
});

test('failures exit 1 with the reason on stderr; success exits 0 with JSON alone on stdout', () => {
  const failed = cli(['logits', '--model', path.join(work, 'nope'), '--input', path.join(work, 'missing.json')]);
  assert.equal(failed.status, 1);
  assert.equal(failed.stdout, '');
  assert.match(failed.stderr, /^ft-roberta: .*missing\.json: cannot read \(ENOENT\)\n$/);

  const ok = cli(['corpus', '--limit', '2', '--seed', '5', '--stats']);
  assert.equal(ok.status, 0, ok.stderr);
  const stats = JSON.parse(ok.stdout) as { seed: number; count: number };
  assert.equal(stats.seed, 5);
  assert.equal(stats.count, 2);
});

test('--help, --version and usage errors do not load tfjs or any command module; running a command does', () => {
  // A preloaded script reports, at exit, which of our modules and tfjs packages were loaded.
  const probe = path.join(work, 'loaded-modules.js');
  fs.writeFileSync(
    probe,
    "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)" +
      ".filter((f) => f.includes('@tensorflow') || f.includes(require('path').join('lib', 'cli', ''))))));\n",
  );
  const loaded = (run: Run): string[] => JSON.parse(/LOADED (.*)$/.exec(run.stderr)![1]) as string[];
  const commandModule = /[\\/]cli[\\/](train|model|data|bench|corpus|pretrain)\.js$/;
  const heavyModules = (run: Run): string[] =>
    loaded(run).filter((file) => file.includes('@tensorflow') || commandModule.test(file));
  for (const args of [['--help'], ['--version'], ['train', '--help'], ['evaluate', '-h']]) {
    const run = cli(args, ['-r', probe]);
    assert.equal(run.status, 0, args.join(' '));
    assert.deepEqual(heavyModules(run), [], `${args.join(' ')} loaded ${heavyModules(run).join(', ')}`);
  }
  // Usage errors the option declarations catch are answered before the command's module loads.
  for (const args of [
    ['train', '--epochs', '3'],
    ['logits', '--input', 'x.json'],
    ['predict', '--model', 'm'],
  ]) {
    const run = cli(args, ['-r', probe]);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.deepEqual(heavyModules(run), [], `${args.join(' ')} loaded ${heavyModules(run).join(', ')}`);
  }
  const tokenize = cli(['tokenize', 'a'], ['-r', probe]);
  assert.equal(tokenize.status, 0, tokenize.stderr);
  assert.ok(loaded(tokenize).some((file) => file.endsWith(path.join('cli', 'data.js'))));
});

test('the shared parser: --name=value, optional values, "--" ends the options', () => {
  const spec: CommandSpec = {
    name: 'demo',
    summary: 'a demo',
    positionals: { name: 'TEXT…', min: 0 },
    options: {
      out: { kind: 'string', value: 'DIR', description: 'd' },
      resume: { kind: 'optional', value: 'DIR', description: 'r' },
      dry: { kind: 'boolean', description: 'b' },
    },
  };
  const a = parseCommandArgs(spec, ['--out=o', '--resume', '--dry', 'x', '--', '--not-an-option']);
  assert.equal(a.string('out'), 'o');
  assert.equal(a.optional('resume'), true);
  assert.equal(a.flag('dry'), true);
  assert.deepEqual(a.positionals, ['x', '--not-an-option']);
  assert.deepEqual(a.given(), [
    ['out', 'o'],
    ['resume', true],
    ['dry', true],
  ]);
  assert.equal(parseCommandArgs(spec, ['--resume', 'ckpt']).optional('resume'), 'ckpt');
  assert.equal(parseCommandArgs(spec, []).optional('resume'), undefined);
  assert.throws(
    () => parseCommandArgs(spec, ['--out', 'a', '--out', 'b']),
    (err: unknown) => err instanceof UsageError && /--out is given twice/.test(err.message),
  );
  assert.throws(() => parseCommandArgs(spec, ['-x']), /unknown option '-x'/);
});
