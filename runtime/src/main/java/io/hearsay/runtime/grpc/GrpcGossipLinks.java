package io.hearsay.runtime.grpc;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.runtime.comm.FabricLinks;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TlsSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;
import org.hyperledger.fabric.protos.gossip.Empty;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipGrpc;

/**
 * Fabric's gossip transport over gRPC, as a Fabric peer runs it ({@code gossip/comm}):
 *
 * <pre>
 * serve      gossip.Gossip on the node's endpoint: Ping answers Empty; every GossipStream is a
 *            stream, with the TLS certificate the client presented in that session
 * dial       as Fabric's createConnection: Ping (within the dial timeout), then a GossipStream,
 *            with the TLS certificate the server presented
 * TLS        the node's peer.tls certificate as server and as client; the CAs trusted are the
 *            node's and every joined channel's (the same live store Artery uses); a client that
 *            presents no certificate still connects, and comm refuses its handshake, as Fabric does
 * send       a stream holds at most a bounded number of envelopes gRPC could not send yet; beyond
 *            that send refuses (comm counts the drop), so a stalled peer cannot fill memory
 * </pre>
 *
 * Which peer is behind a stream is comm's business (its signed handshake), not this class's.
 */
public final class GrpcGossipLinks implements FabricLinks, AutoCloseable {

  /** Envelopes a stream may hold that gRPC has not sent yet. */
  private static final int MAX_UNSENT = 4096;
  private static final int MAX_MESSAGE_BYTES = 100 << 20;
  private static final Context.Key<SSLSession> SESSION = Context.key("hearsay-tls-session");
  private static final Context.Key<SocketAddress> REMOTE = Context.key("hearsay-remote-address");

  private final Optional<TlsSettings> tls;
  private final X509TrustManager trust;
  private final Duration dialTimeout;
  private final Server server;
  private final Endpoint endpoint;
  /** Our signed ConnEstablish for streams we accept, and for streams we dial (as a probe too). */
  private final Envelope asServer;
  private final Envelope asClient;
  private final Envelope asProbingClient;
  private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>();
  private volatile Listener listener;
  /** Streams opened before comm listened (the server starts before the node's actors). */
  private final List<Stream> early = new ArrayList<>();

  private GrpcGossipLinks(Endpoint listenAt, Optional<TlsSettings> tls, X509TrustManager trust, Duration dialTimeout,
      BiFunction<ByteString, Boolean, Envelope> handshake) throws ConfigError {
    this.tls = tls;
    this.trust = trust;
    this.dialTimeout = dialTimeout;
    try {
      this.asServer = handshake.apply(tls.isEmpty() ? ByteString.EMPTY : hash(PemTls.certificate(tls.get().keyPair())),
          false);
      ByteString clientHash = tls.isEmpty() ? ByteString.EMPTY : hash(PemTls.certificate(tls.get().clientKeyPair()));
      this.asClient = handshake.apply(clientHash, false);
      this.asProbingClient = handshake.apply(clientHash, true);
      NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(listenAt.host(), listenAt.port()))
          .maxInboundMessageSize(MAX_MESSAGE_BYTES)
          .withOption(ChannelOption.SO_REUSEADDR, true)
          // Fabric's peers ping every peer.keepalive.client.interval (60 s) and allow it.
          .permitKeepAliveTime(10, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .addService(ServerInterceptors.intercept(new Service(), new SessionInterceptor()));
      if (tls.isPresent()) {
        builder.sslContext(GrpcTls.server(tls.get(), trust));
      }
      this.server = builder.build().start();
    } catch (IOException e) {
      throw new ConfigError("peer.listenAddress = " + listenAt + ": cannot serve Fabric's gossip: " + e.getMessage(), e);
    }
    this.endpoint = new Endpoint(listenAt.host(), server.getPort());
  }

  /**
   * Serves gossip at {@code listenAt} (port 0: any free port) with {@code tls} (none: plain gRPC,
   * tests only), trusting {@code trust} for the certificates of peers on either side;
   * {@code handshake} signs this node's ConnEstablish for a certificate hash, as a probe or not.
   */
  public static GrpcGossipLinks start(Endpoint listenAt, Optional<TlsSettings> tls, X509TrustManager trust,
      Duration dialTimeout, BiFunction<ByteString, Boolean, Envelope> handshake) throws ConfigError {
    return new GrpcGossipLinks(listenAt, tls, trust, dialTimeout, handshake);
  }

  private static ByteString hash(Certificate certificate) throws IOException {
    try {
      return ByteString.copyFrom(Ecdsa.sha256(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IOException("a TLS certificate that cannot be encoded: " + e.getMessage(), e);
    }
  }

  private static Optional<ByteString> peerCertificateHash(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length == 0 ? Optional.empty() : Optional.of(hash(chain[0]));
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void listen(Listener listener) {
    synchronized (early) {
      this.listener = listener;
      // In order: each early stream, then what it brought meanwhile (its ConnEstablish first).
      for (Stream stream : early) {
        listener.opened(stream);
        ((InboundStream) stream).flush(listener);
      }
      early.clear();
    }
  }

  @Override
  public void dial(Endpoint to) {
    ManagedChannel channel;
    try {
      channel = channels.computeIfAbsent(to, this::channelTo);
    } catch (IllegalStateException e) {
      listener.dialFailed(to, e.getMessage());
      return;
    }
    var ping = GossipGrpc.newFutureStub(channel).withDeadlineAfter(dialTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .ping(Empty.getDefaultInstance());
    ping.addListener(() -> {
      try {
        ping.get();
      } catch (ExecutionException e) {
        listener.dialFailed(to, "ping failed: " + (e.getCause() == null ? e : e.getCause()).getMessage());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      openStream(to, channel);
    }, Runnable::run);
  }

  private void openStream(Endpoint to, ManagedChannel channel) {
    ClientCall<Envelope, Envelope> call = channel.newCall(GossipGrpc.getGossipStreamMethod(), CallOptions.DEFAULT);
    OutboundStream stream = new OutboundStream(to, call);
    ClientCalls.asyncBidiStreamingCall(call, stream);
  }

  private ManagedChannel channelTo(Endpoint to) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(to.host(), to.port())
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .keepAliveTime(60, TimeUnit.SECONDS)
        .keepAliveTimeout(20, TimeUnit.SECONDS);
    if (tls.isPresent()) {
      try {
        builder.sslContext(GrpcTls.client(trust, Optional.of(tls.get().clientKeyPair())));
      } catch (IOException e) {
        throw new IllegalStateException("no TLS towards " + to + ": " + e.getMessage(), e);
      }
    } else {
      builder.usePlaintext();
    }
    return builder.build();
  }

  /** A stream's send side: bounded, serialized (gRPC observers are not thread-safe). */
  private abstract static class Link implements Stream {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger unsent = new AtomicInteger();
    private CallStreamObserver<Envelope> requests;

    /** The observer its envelopes go to; {@code onReady} runs too whenever gRPC can take more. */
    void attach(CallStreamObserver<Envelope> observer, Runnable onReady) {
      this.requests = observer;
      observer.setOnReadyHandler(() -> {
        unsent.set(0);
        onReady.run();
      });
    }

    @Override
    public synchronized boolean send(Envelope envelope) {
      if (closed.get() || requests == null) {
        return false;
      }
      if (!requests.isReady() && unsent.incrementAndGet() > MAX_UNSENT) {
        return false;
      }
      try {
        requests.onNext(envelope);
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }

    /** Marks it closed; true only the first time. */
    boolean markClosed() {
      return closed.compareAndSet(false, true);
    }

    boolean isClosed() {
      return closed.get();
    }
  }

  private final class OutboundStream extends Link implements ClientResponseObserver<Envelope, Envelope> {
    private final Endpoint to;
    private final ClientCall<Envelope, Envelope> call;
    private volatile ClientCallStreamObserver<Envelope> observer;
    private volatile boolean announced;

    OutboundStream(Endpoint to, ClientCall<Envelope, Envelope> call) {
      this.to = to;
      this.call = call;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Envelope> requestStream) {
      this.observer = requestStream;
      // Announced once the HTTP/2 stream is up, when the server's certificate can be read; our
      // ConnEstablish waits for comm (sendConnEstablish).
      attach(requestStream, this::announce);
    }

    /** Tells comm of the stream, once; before the server's first envelope however gRPC orders them. */
    private void announce() {
      if (!announced && !isClosed()) {
        announced = true;
        listener.opened(this);
      }
    }

    @Override
    public synchronized void sendConnEstablish(boolean probe) {
      if (send(probe ? asProbingClient : asClient) && probe && markClosed()) {
        try {
          observer.onCompleted();
        } catch (RuntimeException alreadyClosed) {
          // cancelled by the peer meanwhile
        }
      }
    }

    @Override
    public boolean inbound() {
      return false;
    }

    @Override
    public Endpoint remote() {
      return to;
    }

    @Override
    public Optional<ByteString> remoteCertificateHash() {
      return peerCertificateHash(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    }

    @Override
    public void onNext(Envelope envelope) {
      announce();
      if (!isClosed()) {
        listener.received(this, envelope);
      }
    }

    @Override
    public void onError(Throwable t) {
      end(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    @Override
    public void onCompleted() {
      end("the peer closed the stream");
    }

    private void end(String why) {
      if (markClosed()) {
        if (announced) {
          listener.closed(this, why);
        } else {
          listener.dialFailed(to, why);
        }
      }
    }

    @Override
    public void close() {
      if (markClosed() && observer != null) {
        observer.cancel("closed by this peer", null);
      }
    }

    @Override
    public String toString() {
      return "gossip stream to " + to;
    }
  }

  private final class InboundStream extends Link implements StreamObserver<Envelope> {
    /** Envelopes that came before comm listened. */
    private final List<Envelope> held = new ArrayList<>();
    private final ServerCallStreamObserver<Envelope> responses;
    private final Endpoint from;
    private final Optional<ByteString> certificateHash;

    InboundStream(ServerCallStreamObserver<Envelope> responses, Endpoint from, Optional<ByteString> certificateHash) {
      this.responses = responses;
      this.from = from;
      this.certificateHash = certificateHash;
      attach(responses, () -> { });
      responses.setOnCancelHandler(() -> end("the peer cancelled the stream"));
    }

    @Override
    public boolean inbound() {
      return true;
    }

    @Override
    public Endpoint remote() {
      return from;
    }

    @Override
    public Optional<ByteString> remoteCertificateHash() {
      return certificateHash;
    }

    @Override
    public void sendConnEstablish(boolean probe) {
      throw new IllegalStateException("the transport sent its ConnEstablish on " + this + " when it opened");
    }

    @Override
    public void onNext(Envelope envelope) {
      synchronized (early) {
        if (listener == null) {
          held.add(envelope);
          return;
        }
      }
      if (!isClosed()) {
        listener.received(this, envelope);
      }
    }

    void flush(Listener to) {
      held.forEach(envelope -> to.received(this, envelope));
      held.clear();
    }

    @Override
    public void onError(Throwable t) {
      end(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    @Override
    public void onCompleted() {
      end("the peer closed the stream");
      try {
        responses.onCompleted();
      } catch (RuntimeException alreadyClosed) {
        // nothing more to say on it
      }
    }

    private void end(String why) {
      if (markClosed() && listener != null) {
        listener.closed(this, why);
      }
    }

    @Override
    public void close() {
      if (markClosed()) {
        try {
          responses.onCompleted();
        } catch (RuntimeException alreadyClosed) {
          // cancelled by the peer meanwhile
        }
      }
    }

    @Override
    public String toString() {
      return "gossip stream from " + from;
    }
  }

  /** {@code gossip.Gossip}. */
  private final class Service extends GossipGrpc.GossipImplBase {
    @Override
    public void ping(Empty request, StreamObserver<Empty> responses) {
      responses.onNext(Empty.getDefaultInstance());
      responses.onCompleted();
    }

    @Override
    public StreamObserver<Envelope> gossipStream(StreamObserver<Envelope> responses) {
      SocketAddress address = REMOTE.get();
      Endpoint from = address instanceof InetSocketAddress inet
          ? new Endpoint(inet.getAddress().getHostAddress(), inet.getPort()) : new Endpoint("unknown", 0);
      InboundStream stream = new InboundStream((ServerCallStreamObserver<Envelope>) responses, from,
          peerCertificateHash(SESSION.get()));
      stream.send(asServer);
      Listener current;
      synchronized (early) {
        current = listener;
        if (current == null) {
          early.add(stream);
        }
      }
      if (current != null) {
        current.opened(stream);
      }
      return stream;
    }
  }

  /** Puts the call's TLS session and remote address where the service can read them. */
  private static final class SessionInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      Context context = Context.current()
          .withValue(SESSION, call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))
          .withValue(REMOTE, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
      return Contexts.interceptCall(context, call, headers, next);
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
