package io.hearsay.channels.election;

import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.Rejection;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.common.Block;

/** Where the leader's deliver client hands what it gets from the ordering service: the channel. */
public interface Delivery {
  /** Asks the channel's ledger height, where delivery starts. */
  void askHeight(ActorRef<ChannelLedger.Height> replyTo);

  /**
   * A block from the ordering service, for the channel to verify and commit; a block the channel
   * refuses (a bad orderer signature, a data hash that does not match) comes back to
   * {@code refusals}, so the source can be left as Fabric's deliver client leaves an orderer that
   * sent a block that does not verify.
   */
  void deliver(Block block, ActorRef<Refused> refusals);

  /** The channel refused block {@code number} from the source. */
  record Refused(long number, Rejection rejection) {}

  /** No orderer endpoint answers: an elected leader yields its leadership for a while. */
  void ordererUnreachable();
}
