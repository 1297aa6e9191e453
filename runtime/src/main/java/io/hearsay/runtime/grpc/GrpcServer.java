package io.hearsay.runtime.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.TlsSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A node's gRPC endpoint (Fabric's main port): services on one address, over TLS when the node has it. */
public final class GrpcServer implements AutoCloseable {

  private final Server server;
  private final Endpoint endpoint;

  private GrpcServer(Server server, Endpoint endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  /** Listens at {@code endpoint} (port 0: any free port); {@code key} names the config key in errors. */
  public static GrpcServer start(Endpoint endpoint, Optional<TlsSettings> tls, String key, BindableService... services)
      throws ConfigError {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(endpoint.host(), endpoint.port()))
        // Fabric's orderer takes messages up to 100 MiB (General.MaxRecvMsgSize); a block is one message.
        .maxInboundMessageSize(100 << 20)
        // A node restarted on its port must bind while its old connections linger in TIME_WAIT.
        .withOption(ChannelOption.SO_REUSEADDR, true);
    try {
      if (tls.isPresent()) {
        builder.sslContext(GrpcTls.server(tls.get()));
      }
      for (BindableService service : services) {
        builder.addService(service);
      }
      Server server = builder.build().start();
      return new GrpcServer(server, new Endpoint(endpoint.host(), server.getPort()));
    } catch (IOException e) {
      throw new ConfigError(key + " = " + endpoint + ": cannot serve gRPC: " + e.getMessage(), e);
    }
  }

  /** Where it listens (the port it was given, or the one it got). */
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
