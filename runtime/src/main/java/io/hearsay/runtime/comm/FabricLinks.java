package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import io.hearsay.runtime.config.Endpoint;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * What comm needs of Fabric's gossip transport ({@code gossip.Gossip} over gRPC, the way Fabric
 * peers talk): streams it dials, and streams other peers open to it. A stream carries gossip
 * {@code Envelope}s both ways; who is behind it is unknown until comm's handshake binds it. On a
 * stream it accepts, the transport itself sends this node's signed ConnEstablish first, at once (a
 * Fabric peer waits only its connTimeout for it), with the hash of the certificate this node
 * presents in that session; on a stream it dialled, comm has it sent once the remote's came.
 * Callbacks come from the transport's threads; comm turns them into messages to itself.
 */
public interface FabricLinks {

  /** Where this node serves {@code gossip.Gossip}. */
  Endpoint endpoint();

  /** Starts delivering streams and their envelopes to {@code listener} (once, before any dial). */
  void listen(Listener listener);

  /**
   * Dials {@code to} (Fabric's dial: a Ping, then a GossipStream); the stream, or the failure,
   * reaches the listener as {@link Listener#opened} or {@link Listener#dialFailed}.
   */
  void dial(Endpoint to);

  /** One gossip stream with a remote peer. */
  interface Stream {
    /** Whether the remote peer opened it. */
    boolean inbound();

    /** The remote peer's address: the endpoint dialled, or the connection's source address when inbound. */
    Endpoint remote();

    /** SHA-256 of the DER TLS certificate the remote peer presented in this session; empty without TLS. */
    Optional<ByteString> remoteCertificateHash();

    /** Queues an envelope; false when the stream cannot take it (closed, or too much unsent). */
    boolean send(Envelope envelope);

    /**
     * Sends this node's ConnEstablish on a stream it dialled, with the certificate it presented
     * there. A probe's only says who this node is: the stream ends after it, and a Fabric peer
     * does not take it for a connection ({@code "probed us"}).
     */
    void sendConnEstablish(boolean probe);

    void close();
  }

  /** What the transport reports. */
  interface Listener {
    /** A stream opened (inbound, or a dial that succeeded). */
    void opened(Stream stream);

    void received(Stream stream, Envelope envelope);

    void closed(Stream stream, String why);

    /** A dial to {@code to} did not produce a stream. */
    void dialFailed(Endpoint to, String why);
  }
}
