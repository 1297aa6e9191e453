package io.hearsay.runtime.cli;

import io.hearsay.runtime.admin.AdminClient;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.PemTls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options that reach a node's admin endpoint, named as Fabric's osnadmin names them: the
 * address, and for HTTPS the CA that issued the endpoint's certificate and our client certificate.
 */
final class AdminConnection {

  @Option(names = "--admin", required = true, description = "The node's admin endpoint, host:port.")
  String admin;

  @Option(names = "--ca-file", description = "HTTPS: the CA certificate (PEM) that issued the endpoint's TLS certificate.")
  Path caFile;

  @Option(names = "--client-cert", description = "HTTPS: our TLS client certificate (PEM), when the endpoint asks for one.")
  Path clientCert;

  @Option(names = "--client-key", description = "HTTPS: the key (PEM) of --client-cert.")
  Path clientKey;

  /** The endpoint, or an IllegalArgumentException naming the bad option. */
  Endpoint endpoint() {
    return Endpoint.parse(admin).orElseThrow(() -> new IllegalArgumentException("--admin " + admin + " is not host:port"));
  }

  /** Plain HTTP without --ca-file; HTTPS with it. */
  AdminClient client() throws IOException {
    if (caFile == null) {
      if (clientCert != null || clientKey != null) {
        throw new IllegalArgumentException("--client-cert and --client-key need --ca-file (HTTPS)");
      }
      return AdminClient.PLAIN;
    }
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException("--client-cert and --client-key go together");
    }
    return AdminClient.tls(caFile, clientCert == null ? Optional.empty()
        : Optional.of(new PemTls.KeyPair(clientCert, clientKey)));
  }
}
