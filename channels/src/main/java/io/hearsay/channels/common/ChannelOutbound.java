package io.hearsay.channels.common;

import io.hearsay.protocol.identity.PkiId;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * Where a channel's messages leave it: the peer's channel router (or a simulated link) takes an
 * envelope signed already and sends it to a peer, whichever transport reaches that peer.
 */
@FunctionalInterface
public interface ChannelOutbound {
  void send(PkiId to, Envelope envelope);
}
