// Which client certificates may call the function, decided on certificates openssl issues (Crossplane's shape
// among them) at a chosen moment.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { certificatesOf, clientCertificateRefusal } from '../../../src/function/client-certificate.ts';
import { createCertificateAuthority } from '../../harness/pki.ts';

const dir = mkdtempSync(join(tmpdir(), 'dbops-client-cert-'));
const ca = createCertificateAuthority(join(dir, 'ca'), 'Crossplane');
const otherCa = createCertificateAuthority(join(dir, 'other'), 'Crossplane');
const load = (file: string) => new X509Certificate(readFileSync(file));
const leaf = (name: string, options: Parameters<typeof ca.issue>[1], issuer = ca) =>
  load(issuer.issue(name, options).cert);

const crossplane = leaf('crossplane', { commonName: 'x', usage: 'client', likeCrossplane: true });
const authorities = certificatesOf(readFileSync(ca.caCert, 'utf8'));
// A minute on, so every certificate the table issues later is already valid (validity has whole seconds).
const now = new Date(Date.now() + 60_000);
const inEightDays = new Date(now.getTime() + 8 * 24 * 3600_000);

describe('clientCertificateRefusal', () => {
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: {
    reason: string;
    cert: X509Certificate | undefined;
    at?: Date;
    refusal: RegExp | undefined;
  }[] = [
    {
      reason: "Crossplane core's own shape (CA subject, no key identifiers) is signed by the CA: accepted",
      cert: crossplane,
      refusal: undefined,
    },
    {
      reason: 'a certificate with a subject of its own, signed by the CA, is accepted too',
      cert: leaf('distinct', { commonName: 'crossplane', usage: 'client' }),
      refusal: undefined,
    },
    {
      reason: 'a client that presents nothing is refused',
      cert: undefined,
      refusal: /no client certificate/,
    },
    {
      reason: 'the same subject from another CA must not pass on names alone',
      cert: leaf('stranger', { commonName: 'x', usage: 'client', likeCrossplane: true }, otherCa),
      refusal: /not signed by a CA in ca\.crt/,
    },
    {
      reason:
        'the CA certificate itself passes, as in Go: presenting it needs the CA key, which signs anything',
      cert: load(ca.caCert),
      refusal: undefined,
    },
    {
      reason: "a refusal quotes the client's subject on one line, whatever lines Node formats it in",
      cert: leaf('multi', { commonName: 'x', organisations: ['evil'], usage: 'client' }, otherCa),
      refusal: /^the client certificate "O=evil, CN=x" is not signed/,
    },
    {
      reason: 'a good certificate after it expires is refused (issued for 7 days)',
      cert: crossplane,
      at: inEightDays,
      refusal: /not valid now/,
    },
    {
      reason: 'a certificate for servers only cannot authenticate a client',
      cert: leaf('server', { commonName: 'x', usage: 'server' }),
      refusal: /not for client authentication/,
    },
  ];
  for (const tc of cases) {
    it(tc.reason, () => {
      const refusal = clientCertificateRefusal(tc.cert, authorities, tc.at ?? now);
      if (tc.refusal === undefined) assert.equal(refusal, undefined);
      else assert.match(refusal ?? '(accepted)', tc.refusal);
    });
  }

  it('reads every CA of a bundle, so a certificate of the second one is accepted', () => {
    const bundle = readFileSync(otherCa.caCert, 'utf8') + readFileSync(ca.caCert, 'utf8');
    assert.equal(certificatesOf(bundle).length, 2);
    assert.equal(clientCertificateRefusal(crossplane, certificatesOf(bundle), now), undefined);
  });
});
