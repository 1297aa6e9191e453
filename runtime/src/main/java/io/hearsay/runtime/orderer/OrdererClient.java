package io.hearsay.runtime.orderer;

import io.grpc.stub.StreamObserver;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;

/**
 * Submits transactions to an orderer (Hearsay's or Fabric's) over {@code AtomicBroadcast.Broadcast}:
 * one stream, answers in the order the envelopes went, each within the timeout.
 */
public final class OrdererClient implements AutoCloseable {

  private final Endpoint orderer;
  private final Duration timeout;
  private final StreamObserver<Envelope> requests;
  private final ArrayDeque<CompletableFuture<BroadcastResponse>> waiting = new ArrayDeque<>();
  private Throwable failed;

  /** A broadcast stream at {@code orderer} through {@code connections}, trusting {@code ordererCas} for TLS. */
  public OrdererClient(AtomicBroadcastClient connections, Endpoint orderer, List<X509Certificate> ordererCas,
      Duration timeout) throws IOException {
    this.orderer = orderer;
    this.timeout = timeout;
    this.requests = AtomicBroadcastGrpc.newStub(connections.channel(orderer, ordererCas)).broadcast(new StreamObserver<>() {
      @Override
      public void onNext(BroadcastResponse response) {
        CompletableFuture<BroadcastResponse> next;
        synchronized (waiting) {
          next = waiting.poll();
        }
        if (next != null) {
          next.complete(response);
        }
      }

      @Override
      public void onError(Throwable t) {
        failAll(t);
      }

      @Override
      public void onCompleted() {
        failAll(new IOException("orderer " + orderer + " closed the broadcast stream"));
      }
    });
  }

  /** Broadcasts one transaction; completes with the orderer's answer (SUCCESS once it is queued for a block). */
  public CompletionStage<BroadcastResponse> broadcast(Envelope transaction) {
    CompletableFuture<BroadcastResponse> answer = new CompletableFuture<>();
    synchronized (waiting) {
      if (failed != null) {
        answer.completeExceptionally(failed);
        return answer;
      }
      waiting.add(answer);
      requests.onNext(transaction);
    }
    return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void failAll(Throwable cause) {
    synchronized (waiting) {
      failed = cause;
      waiting.forEach(w -> w.completeExceptionally(cause));
      waiting.clear();
    }
  }

  @Override
  public void close() {
    synchronized (waiting) {
      if (failed == null) {
        failed = new IOException("the broadcast client to " + orderer + " was closed");
        requests.onCompleted();
      }
    }
  }
}
