package io.hearsay.runtime.grpc;

import com.google.protobuf.ByteString;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.deliver.DeliverStreams;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TlsSettings;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;

/**
 * A node's gRPC connections to orderers ({@code orderer.AtomicBroadcast}), one channel per orderer
 * endpoint and trusted CAs, shared by its deliver streams and broadcasts, closed with the node.
 * With the node's TLS ({@code peer.tls}) on, connections are TLS, trusting the CAs given (the
 * channel config's orderer TLS CAs) and the node's own {@code rootcert.file}, presenting its client
 * certificate; without it, plain gRPC (a Hearsay orderer without TLS, in tests). Keepalive pings
 * follow Fabric's {@code peer.keepalive.deliveryClient}.
 */
public final class AtomicBroadcastClient implements DeliverStreams, AutoCloseable {

  /** gRPC keepalive on the connection: ping after {@code interval} idle, give up {@code timeout} later. */
  public record KeepAlive(Duration interval, Duration timeout) {}

  private final Optional<ClientTls> tls;
  private final KeepAlive keepAlive;
  private final Map<String, ManagedChannel> channels = new HashMap<>();
  private final ByteString clientCertificateHash;

  /** Plain gRPC without {@code tls}. */
  public AtomicBroadcastClient(Optional<ClientTls> tls, KeepAlive keepAlive) throws IOException {
    this.tls = tls;
    this.keepAlive = keepAlive;
    ByteString hash = ByteString.EMPTY;
    if (tls.isPresent() && tls.get().clientKeyPair().isPresent()) {
      PemTls.KeyPair client = tls.get().clientKeyPair().get();
      try {
        hash = ByteString.copyFrom(Ecdsa.sha256(PemTls.certificate(client).getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IOException(client + ": " + e.getMessage(), e);
      }
    }
    this.clientCertificateHash = hash;
  }

  /** A node's client: TLS as its {@code peer.tls} (or the orderer's own) says, plain gRPC without. */
  public static AtomicBroadcastClient of(Optional<TlsSettings> tls, KeepAlive keepAlive) throws IOException {
    return new AtomicBroadcastClient(tls.map(ClientTls::of), keepAlive);
  }

  @Override
  public ByteString clientCertificateHash() {
    return clientCertificateHash;
  }

  /** The connection to {@code orderer} trusting {@code cas} (made once, then shared). */
  public synchronized ManagedChannel channel(Endpoint orderer, List<X509Certificate> cas) throws IOException {
    String key = orderer + "|" + cas.stream().map(c -> c.getSerialNumber().toString(16) + c.getIssuerX500Principal())
        .sorted().toList();
    ManagedChannel channel = channels.get(key);
    if (channel == null || channel.isShutdown()) {
      NettyChannelBuilder builder = NettyChannelBuilder.forAddress(orderer.host(), orderer.port())
          .maxInboundMessageSize(100 << 20)
          .keepAliveTime(keepAlive.interval().toMillis(), TimeUnit.MILLISECONDS)
          .keepAliveTimeout(keepAlive.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (tls.isPresent()) {
        List<X509Certificate> trusted = new ArrayList<>(cas);
        trusted.addAll(GrpcTls.certificates(tls.get().trustedCas()));
        builder.sslContext(GrpcTls.client(trusted, tls.get().clientKeyPair()));
      } else {
        builder.usePlaintext();
      }
      channel = builder.build();
      channels.put(key, channel);
    }
    return channel;
  }

  @Override
  public Stream open(Endpoint orderer, List<X509Certificate> ordererCas, Envelope seekInfo, Listener listener) {
    ManagedChannel channel;
    try {
      channel = channel(orderer, ordererCas);
    } catch (IOException e) {
      listener.onEnd("no TLS towards " + orderer + ": " + e.getMessage());
      return new Stream() {
        @Override
        public boolean connected() {
          return false;
        }

        @Override
        public void close() {
        }
      };
    }
    DeliverObserver observer = new DeliverObserver(listener);
    StreamObserver<Envelope> requests = AtomicBroadcastGrpc.newStub(channel).deliver(observer);
    requests.onNext(seekInfo);
    return new Stream() {
      @Override
      public boolean connected() {
        return channel.getState(false) == ConnectivityState.READY;
      }

      @Override
      public void close() {
        observer.cancel();
      }
    };
  }

  /** Hands responses to the listener; the end of the stream, however it comes, once. */
  private static final class DeliverObserver implements ClientResponseObserver<Envelope, DeliverResponse> {
    private final Listener listener;
    private volatile ClientCallStreamObserver<Envelope> call;
    private volatile boolean ended;

    DeliverObserver(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Envelope> requestStream) {
      this.call = requestStream;
    }

    void cancel() {
      ended = true;
      if (call != null) {
        call.cancel("the deliver client closed the stream", null);
      }
    }

    @Override
    public void onNext(DeliverResponse response) {
      if (!ended) {
        listener.onResponse(response);
      }
    }

    @Override
    public void onError(Throwable t) {
      end(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    @Override
    public void onCompleted() {
      end("the orderer closed the stream");
    }

    private void end(String why) {
      if (!ended) {
        ended = true;
        listener.onEnd(why);
      }
    }
  }

  @Override
  public synchronized void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
