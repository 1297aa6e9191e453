package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.crypto.Ecdsa;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The TLS certificates other nodes presented to this node's Artery, by SHA-256 of their DER
 * bytes, as Fabric's {@code tls_cert_hash} names them. Artery does not tell which TLS connection
 * carried a message, so a ConnEstablish can be checked only against every session this node has
 * seen: its {@code tls_cert_hash} must be the certificate of a TLS session (inbound or outbound)
 * with a peer, and a handshake naming a certificate no session presented is refused.
 */
public final class TlsSessions {

  /** More distinct certificates than any network has peers: a bound on what a flood can make us hold. */
  private static final int MOST_REMEMBERED = 100_000;

  private final Set<ByteString> presented = ConcurrentHashMap.newKeySet();

  /** Records the certificate the other side of {@code session} presented. */
  public void sessionEstablished(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && presented.size() < MOST_REMEMBERED) {
        presented.add(ByteString.copyFrom(Ecdsa.sha256(chain[0].getEncoded())));
      }
    } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
      // No certificate: mutual TLS refused the connection already.
    }
  }

  /** Whether some TLS session presented the certificate whose SHA-256 is {@code hash}. */
  public boolean presented(ByteString hash) {
    return presented.contains(hash);
  }
}
