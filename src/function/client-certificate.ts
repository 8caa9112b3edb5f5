// Decides whether a client certificate may call the function: issued and signed by a CA of ca.crt, valid now
// and usable for client authentication. OpenSSL cannot make this decision for us: the client certificate
// Crossplane core generates has its CA's subject and no Authority Key Identifier, which OpenSSL takes for a
// self-signed certificate and rejects before it looks at the CA. Go (Crossplane's own language) checks the
// signature instead, and so does this.
import { X509Certificate } from 'node:crypto';

const clientAuth = '1.3.6.1.5.5.7.3.2';
const anyExtendedKeyUsage = '2.5.29.37.0';

/** Every certificate of a PEM bundle (ca.crt may hold more than one CA). */
export function certificatesOf(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

function validAt(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
}

function signedBy(leaf: X509Certificate, ca: X509Certificate): boolean {
  return ca.ca && leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
}

/**
 * Why a client certificate is refused, or undefined when it is accepted. The leaf must be issued directly by one
 * of the authorities, as Crossplane's client certificate is; an absent extended key usage allows any use, as in
 * Go's crypto/x509.
 */
export function clientCertificateRefusal(
  leaf: X509Certificate | undefined,
  authorities: readonly X509Certificate[],
  now: Date,
): string | undefined {
  if (leaf === undefined) return 'no client certificate was presented';
  const issuer = authorities.find((ca) => signedBy(leaf, ca));
  if (issuer === undefined) {
    // The subject is the client's own text: one line, so it cannot forge log lines in the text format.
    // Node gives no subject at all for an empty one, whatever its types say.
    const subject = ((leaf.subject as string | undefined) ?? '').replaceAll(/[\r\n]+/g, ', ');
    return `the client certificate "${subject}" is not signed by a CA in ca.crt`;
  }
  if (!validAt(leaf, now)) {
    return `the client certificate is not valid now (valid from ${leaf.validFrom} to ${leaf.validTo})`;
  }
  if (!validAt(issuer, now)) return `the CA that signed the client certificate is not valid now`;
  // Node's types say string[], but it is undefined when the certificate has no extended key usage.
  const usages = leaf.keyUsage as string[] | undefined;
  if (usages !== undefined && !usages.includes(clientAuth) && !usages.includes(anyExtendedKeyUsage)) {
    return `the client certificate is not for client authentication (extended key usage ${usages.join(', ')})`;
  }
  return undefined;
}
