package io.hearsay.runtime.deliver;

import com.google.protobuf.ByteString;
import io.hearsay.runtime.config.Endpoint;
import java.security.cert.X509Certificate;
import java.util.List;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;

/**
 * Where the deliver client opens its streams: Fabric's {@code AtomicBroadcast.Deliver} at an
 * orderer endpoint (over gRPC, or a fake in tests). Listener calls come from the transport's
 * threads; the deliver client turns them into messages to itself.
 */
public interface DeliverStreams {

  /**
   * Opens a deliver stream at {@code orderer}, trusting {@code ordererCas} for its TLS (the
   * channel config's orderer TLS CAs), and sends {@code seekInfo} on it.
   */
  Stream open(Endpoint orderer, List<X509Certificate> ordererCas, Envelope seekInfo, Listener listener);

  /** SHA-256 of the TLS client certificate this node presents (the seek's {@code tls_cert_hash}); empty without one. */
  ByteString clientCertificateHash();

  /** An open stream. */
  interface Stream {
    /** Whether its connection is up (a stream at the tip may rightly stay silent). */
    boolean connected();

    void close();
  }

  /** What a stream brings. */
  interface Listener {
    void onResponse(DeliverResponse response);

    /** The stream ended: the orderer closed it, or the connection failed ({@code why}). */
    void onEnd(String why);
  }
}
