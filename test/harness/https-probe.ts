import { request } from 'node:https';
import { request as plainRequest } from 'node:http';

export interface TlsFiles {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** For a server whose certificate the harness did not issue (it generated its own). */
export const unverifiedTls = { rejectUnauthorized: false } as const;

/** GETs a URL and resolves with the status code and body; used by readiness probes. */
export async function httpGet(
  url: string,
  tls?: TlsFiles | typeof unverifiedTls,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? request : plainRequest;
    const req = send(url, { ...(tls ?? {}), timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
