import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from './tools.ts';

/** A certificate authority on disk, able to sign server and client certificates (EC P-256, valid 7 days). */
export interface CertificateAuthority {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  issue(name: string, options: LeafOptions): IssuedCertificate;
}

export interface LeafOptions {
  commonName: string;
  organisations?: string[];
  usage: 'server' | 'client';
  /** DNS names and IP addresses for a server certificate. */
  hosts?: string[];
  /**
   * Shaped as Crossplane core issues its client certificate: the CA's own subject (commonName and
   * organisations are ignored) and no key identifiers, which OpenSSL mistakes for a self-signed certificate.
   */
  likeCrossplane?: boolean;
  /** Already expired: valid until the day before it was issued. */
  expired?: boolean;
}

export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync(requireTool('openssl', 'openssl'), args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function subject(commonName: string, organisations: string[] = []): string {
  return [...organisations.map((o) => `/O=${o}`), `/CN=${commonName}`].join('');
}

function sanList(hosts: string[]): string {
  return hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
}

export function createCertificateAuthority(dir: string, commonName = 'dbops-test-ca'): CertificateAuthority {
  mkdirSync(dir, { recursive: true });
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey], dir);
  openssl(
    ['req', '-x509', '-new', '-key', caKey, '-subj', `/CN=${commonName}`, '-days', '7', '-out', caCert],
    dir,
  );
  return certificateAuthorityFrom(dir, caCert, caKey);
}

/** A CA someone else made (Crossplane's root CA, say), from its certificate and key files, issuing into dir. */
export function certificateAuthorityFrom(dir: string, caCert: string, caKey: string): CertificateAuthority {
  mkdirSync(dir, { recursive: true });
  const caSubject = execFileSync(
    requireTool('openssl', 'openssl'),
    ['x509', '-in', caCert, '-noout', '-subject', '-nameopt', 'compat'],
    { encoding: 'utf8' },
  )
    .trim()
    .replace(/^subject=/, '');
  return {
    dir,
    caCert,
    caKey,
    issue(name, options) {
      const key = join(dir, `${name}.key`);
      const csr = join(dir, `${name}.csr`);
      const cert = join(dir, `${name}.crt`);
      const ext = join(dir, `${name}.ext`);
      const lines = [
        `extendedKeyUsage=${options.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
        'keyUsage=digitalSignature,keyEncipherment',
      ];
      if (options.hosts !== undefined) lines.push(`subjectAltName=${sanList(options.hosts)}`);
      if (options.likeCrossplane === true)
        lines.push('subjectKeyIdentifier=none', 'authorityKeyIdentifier=none');
      writeFileSync(ext, `${lines.join('\n')}\n`);
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
      openssl(
        [
          'req',
          '-new',
          '-key',
          key,
          '-subj',
          options.likeCrossplane === true ? caSubject : subject(options.commonName, options.organisations),
          '-out',
          csr,
        ],
        dir,
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          csr,
          '-CA',
          caCert,
          '-CAkey',
          caKey,
          '-CAcreateserial',
          '-days',
          options.expired === true ? '-1' : '7',
          '-out',
          cert,
          '-extfile',
          ext,
        ],
        dir,
      );
      return { cert, key };
    },
  };
}

/** A self-signed client certificate with the given subject ("/" for an empty one), as a hostile client makes. */
export function selfSignedClient(dir: string, name: string, subject: string): IssuedCertificate {
  mkdirSync(dir, { recursive: true });
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
  openssl(
    ['req', '-x509', '-new', '-key', key, '-subj', subject, '-days', '7', '-out', cert].concat([
      '-addext',
      'extendedKeyUsage=clientAuth',
    ]),
    dir,
  );
  return { cert, key };
}

/** An EC key pair for signing service-account tokens. */
export function createSigningKeyPair(dir: string, name: string): { privateKey: string; publicKey: string } {
  const privateKey = join(dir, `${name}.key`);
  const publicKey = join(dir, `${name}.pub`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', privateKey], dir);
  openssl(['ec', '-in', privateKey, '-pubout', '-out', publicKey], dir);
  return { privateKey, publicKey };
}

export function base64Of(file: string): string {
  return readFileSync(file).toString('base64');
}
