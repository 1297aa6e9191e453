package io.hearsay.runtime.deliver;

import org.hyperledger.fabric.protos.common.Status;

/** What the deliver clients report for the node's metrics. */
public interface DeliverObserver {

  /** An orderer ended {@code channel}'s deliver stream with {@code status} (NOT_FOUND, FORBIDDEN, ...). */
  default void deliverRefused(String channel, Status status) {}

  /** An orderer sent {@code channel} a block that does not verify; the client leaves it. */
  default void deliverBlockRefused(String channel) {}

  /** {@code channel}'s deliver stream failed and is tried again (at the next orderer). */
  default void deliverReconnecting(String channel) {}

  /** {@code channel}'s deliver stream is connected (it brought a block, or its connection is up). */
  default void deliverConnected(String channel) {}

  /** {@code channel}'s deliver client stopped (this peer no longer delivers for the channel). */
  default void deliverStopped(String channel) {}
}
