package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every frame Hearsay's nodes exchange over Artery has: its kind, an actor reference (the
 * sender, or where to reply), and protobuf bytes that are not parsed in transit.
 *
 * @param <K> the frame's kinds
 */
public interface Frame<K extends Enum<K>> {
  K kind();

  ActorRef<?> ref();

  ByteString bytes();
}
