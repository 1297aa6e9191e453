package io.hearsay.runtime;

import io.hearsay.runtime.config.Endpoint;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/** The Artery address a peer's system is bound to (with the real port when configured as 0). */
public final class PeerAddress {

  private PeerAddress() {}

  public static Address of(ActorSystem<?> system) {
    return ((ExtendedActorSystem) Adapter.toClassic(system)).provider().getDefaultAddress();
  }

  /** The same address as the host:port other nodes reach the system at. */
  public static Endpoint endpoint(ActorSystem<?> system) {
    Address address = of(system);
    return new Endpoint(address.getHost().get(), address.getPort().get());
  }
}
