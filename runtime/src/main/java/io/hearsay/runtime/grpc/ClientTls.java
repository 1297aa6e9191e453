package io.hearsay.runtime.grpc;

import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a gRPC client of an orderer needs for TLS: the CAs it trusts besides those the channel
 * config names (Fabric's {@code rootcert.file}, or a CLI's {@code --cafile}), and the certificate
 * it presents when the orderer asks for one (its {@code clientCert.file}, or {@code --certfile}).
 */
public record ClientTls(List<Path> trustedCas, Optional<PemTls.KeyPair> clientKeyPair) {

  public ClientTls {
    trustedCas = List.copyOf(trustedCas);
  }

  /** A node's client side of {@code peer.tls}: its own TLS CA, presenting its client certificate. */
  public static ClientTls of(TlsSettings tls) {
    return new ClientTls(tls.rootCas(), Optional.of(tls.clientKeyPair()));
  }
}
