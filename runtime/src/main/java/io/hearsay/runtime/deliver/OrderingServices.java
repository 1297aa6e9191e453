package io.hearsay.runtime.deliver;

import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.orderer.OrdererFrame;
import org.apache.pekko.actor.typed.ActorRef;

/** Where the deliver client reaches the ordering service of an orderer endpoint (over Artery, or a probe in tests). */
@FunctionalInterface
public interface OrderingServices {
  ActorRef<OrdererFrame> at(Endpoint orderer);
}
