package io.hearsay.channels.election;

import io.hearsay.ledger.ChannelLedger;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.common.Block;

/** Where the leader's deliver client hands what it gets from the ordering service: the channel. */
public interface Delivery {
  /** Asks the channel's ledger height, where delivery starts. */
  void askHeight(ActorRef<ChannelLedger.Height> replyTo);

  /** A block from the ordering service, for the channel to verify and commit. */
  void deliver(Block block);

  /** No orderer endpoint answers: an elected leader yields its leadership for a while. */
  void ordererUnreachable();
}
