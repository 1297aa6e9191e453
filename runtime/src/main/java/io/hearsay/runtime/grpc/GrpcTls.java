package io.hearsay.runtime.grpc;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * gRPC's TLS (Netty, ALPN h2) from Fabric's PEM material, as Fabric's comm package sets it up: a
 * server presents its certificate and, with {@code clientAuthRequired}, takes only clients of its
 * client CAs; a client trusts the CAs it is given and presents its client certificate.
 */
public final class GrpcTls {

  private GrpcTls() {}

  /** The server side: {@code tls}'s certificate, and its client CAs when client authentication is required. */
  public static SslContext server(TlsSettings tls) throws IOException {
    try {
      SslContextBuilder builder = GrpcSslContexts.forServer(tls.keyPair().certificate().toFile(),
          tls.keyPair().privateKey().toFile());
      List<X509Certificate> clientCas = certificates(tls.trustedCas());
      if (!clientCas.isEmpty()) {
        builder.trustManager(clientCas);
      }
      builder.clientAuth(tls.clientAuthRequired() ? ClientAuth.REQUIRE : clientCas.isEmpty() ? ClientAuth.NONE
          : ClientAuth.OPTIONAL);
      return builder.build();
    } catch (IllegalArgumentException | IOException e) {
      throw new IOException("gRPC TLS from " + tls.keyPair() + ": " + e.getMessage(), e);
    }
  }

  /**
   * A gossip server's side: {@code tls}'s certificate; client certificates checked by
   * {@code trust} — required with {@code clientAuthRequired}, else asked for (Fabric's peers
   * always present one; the handshake refuses a stream without).
   */
  public static SslContext server(TlsSettings tls, X509TrustManager trust) throws IOException {
    try {
      return GrpcSslContexts.forServer(tls.keyPair().certificate().toFile(), tls.keyPair().privateKey().toFile())
          .trustManager(trust)
          .clientAuth(tls.clientAuthRequired() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
          .build();
    } catch (IllegalArgumentException | IOException e) {
      throw new IOException("gRPC TLS from " + tls.keyPair() + ": " + e.getMessage(), e);
    }
  }

  /** A client trusting what {@code trust} trusts, presenting {@code own} when given. */
  public static SslContext client(X509TrustManager trust, Optional<PemTls.KeyPair> own) throws IOException {
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient().trustManager(trust);
      if (own.isPresent()) {
        builder.keyManager(own.get().certificate().toFile(), own.get().privateKey().toFile());
      }
      return builder.build();
    } catch (IllegalArgumentException | IOException e) {
      throw new IOException("gRPC TLS client: " + e.getMessage(), e);
    }
  }

  /** The client side: trusting {@code cas}, presenting {@code own} when given. */
  public static SslContext client(List<X509Certificate> cas, Optional<PemTls.KeyPair> own) throws IOException {
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient().trustManager(cas);
      if (own.isPresent()) {
        builder.keyManager(own.get().certificate().toFile(), own.get().privateKey().toFile());
      }
      return builder.build();
    } catch (IllegalArgumentException | IOException e) {
      throw new IOException("gRPC TLS trusting " + cas.size() + " CAs: " + e.getMessage(), e);
    }
  }

  /** The certificates of PEM files. */
  public static List<X509Certificate> certificates(List<Path> files) throws IOException {
    List<X509Certificate> certs = new ArrayList<>();
    for (Path file : files) {
      try {
        certs.addAll(Pem.certificates(Files.readAllBytes(file)));
      } catch (CertificateException e) {
        throw new IOException(file + ": not PEM certificates: " + e.getMessage(), e);
      }
    }
    return certs;
  }
}
