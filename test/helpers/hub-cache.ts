// Test helpers for the Hugging Face cache: lay a repository out by hand the way Python's huggingface_hub
// does, list what a folder holds, run code under environment variables, find a port nobody listens on.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Writes `<cacheDir>/<models|datasets>--org--name` as huggingface_hub does: blobs named by sha256,
 * `refs/<revision>` holding the commit, `snapshots/<commit>/<file>` as relative symlinks into
 * `../../blobs` (or, with `symlinks: false`, copies as on Windows without developer mode).
 */
export function layPythonCache(
  cacheDir: string,
  repo: { type: 'models' | 'datasets'; id: string; revision?: string; commit: string },
  files: Record<string, Buffer | string>,
  symlinks = true,
): string {
  const folder = path.join(cacheDir, `${repo.type}--${repo.id.replace('/', '--')}`);
  fs.mkdirSync(path.join(folder, 'refs'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'refs', repo.revision ?? 'main'), repo.commit);
  for (const [name, content] of Object.entries(files)) {
    const pointer = path.join(folder, 'snapshots', repo.commit, ...name.split('/'));
    fs.mkdirSync(path.dirname(pointer), { recursive: true });
    if (!symlinks) {
      fs.writeFileSync(pointer, content);
      continue;
    }
    const etag = createHash('sha256').update(content).digest('hex');
    fs.mkdirSync(path.join(folder, 'blobs'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'blobs', etag), content);
    const depth = name.split('/').length;
    fs.symlinkSync(`${'../'.repeat(depth + 1)}blobs/${etag}`, pointer);
  }
  return folder;
}

/** Every file and symlink under `root`, as sorted `/`-separated paths relative to it. */
export function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relative);
      else found.push(relative);
    }
  };
  walk(root, '');
  return found.sort();
}

const HF_VARIABLES = [
  'HF_HOME',
  'HF_HUB_CACHE',
  'HUGGINGFACE_HUB_CACHE',
  'HF_ENDPOINT',
  'HF_TOKEN',
  'HF_TOKEN_PATH',
  'HF_HUB_OFFLINE',
];

/** Runs `body` with the HF_* variables set as given (others of them unset), restoring them afterwards. */
export async function withHfEnv<T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = new Map(HF_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of HF_VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** An http URL on a port that was free a moment ago: connections to it are refused. */
export async function closedPortEndpoint(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
