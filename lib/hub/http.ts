// Requests to the Hub: the token goes only to the configured endpoint's origin (scheme, host and
// port), never to another host met through a redirect or a pagination link; downloads land in an
// `.incomplete` file that is removed unless the body arrived whole, with the announced size.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import { Readable } from 'stream';
import type { ReadableStream as WebReadableStream } from 'stream/web';

export interface HubClient {
  endpoint: string;
  token?: string;
}

/** The server could not be reached at all (as opposed to an HTTP error): a cached copy may stand in. */
export class HubUnreachableError extends Error {}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function sameOrigin(a: URL | string, b: URL | string): boolean {
  return new URL(a).origin === new URL(b).origin;
}

function requestHeaders(url: URL, client: HubClient): Record<string, string> {
  // identity: Content-Length must count the file's own bytes for the size check.
  const headers: Record<string, string> = { 'user-agent': 'finetune-roberta-ts', 'accept-encoding': 'identity' };
  if (client.token && sameOrigin(url, client.endpoint)) headers.authorization = `Bearer ${client.token}`;
  return headers;
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return ' (private or gated: set HF_TOKEN)';
  if (status === 404) return ' (no such repository, revision or file)';
  return '';
}

export interface HubResponse {
  response: Response;
  /** The URL that gave `response`, after the redirects that were followed. */
  url: URL;
}

/**
 * One request, following redirects by hand while `follow(from, to)` allows, so that the token is
 * attached per hop. A redirect that is not followed comes back as the response.
 */
export async function hubRequest(
  start: string,
  method: 'GET' | 'HEAD',
  client: HubClient,
  what: string,
  follow: (from: URL, to: URL) => boolean = () => true,
): Promise<HubResponse> {
  let url = new URL(start);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(url, { method, headers: requestHeaders(url, client), redirect: 'manual' });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      throw new HubUnreachableError(
        `${what}: cannot reach ${url} (${cause?.message ?? (err as Error).message}). ` +
          'Without internet, use the offline defaults or a local folder, or set HF_HUB_OFFLINE=1 to use the cache.',
      );
    }
    const location = response.headers.get('location');
    if (REDIRECT_STATUSES.has(response.status) && location !== null) {
      const next = new URL(location, url);
      if (!follow(url, next)) return { response, url };
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new Error(`${what}: more than ${MAX_REDIRECTS} redirects from ${start}`);
      url = next;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${what}: HTTP ${response.status} from ${url}${statusHint(response.status)}`);
    }
    return { response, url };
  }
}

/** Follows only redirects that stay on the same origin (a renamed repository), as Python's HEAD does. */
export const sameOriginRedirects = (from: URL, to: URL): boolean => sameOrigin(from, to);

/** Content-Length as a byte count, or null when absent or when a content encoding makes it a different count. */
export function contentLength(response: Response): number | null {
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding !== 'identity') return null;
  const header = response.headers.get('content-length');
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header);
}

/**
 * Downloads `url` into `target` (through `target.<pid>-<random>.incomplete`, renamed at the end). The
 * body must have exactly `expectedSize` bytes when known and exactly the response's Content-Length when
 * given: a longer body is cut off as soon as it passes the size, a shorter one fails at the end.
 */
export async function downloadFile(
  url: string,
  target: string,
  client: HubClient,
  expectedSize: number | null,
  what: string,
  onProgress?: (received: number, total: number | null) => void,
): Promise<void> {
  const { response } = await hubRequest(url, 'GET', client, what);
  const declared = contentLength(response);
  const sizes = [expectedSize, declared].filter((size): size is number => size !== null);
  const limit = sizes.length > 0 ? Math.min(...sizes) : null;
  // Unique per download: two loads of the same file at once must not write into one temp file.
  const temp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.incomplete`;
  let received = 0;
  try {
    if (response.body === null) throw new Error('empty response body');
    const fd = fs.openSync(temp, 'w');
    try {
      for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)) {
        const bytes = chunk as Buffer;
        received += bytes.length;
        if (limit !== null && received > limit) throw new Error(`the body is longer than the ${limit} bytes announced`);
        fs.writeSync(fd, bytes);
        onProgress?.(received, limit);
      }
    } finally {
      fs.closeSync(fd);
    }
    for (const size of sizes) {
      if (received !== size) throw new Error(`received ${received} bytes, expected ${size}`);
    }
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new Error(`${what}: download from ${url} failed (${(err as Error).message}); nothing was cached`);
  }
}
