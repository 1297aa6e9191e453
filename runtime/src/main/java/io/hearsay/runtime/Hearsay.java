package io.hearsay.runtime;

import io.hearsay.runtime.config.ConfigError;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * A Hearsay peer as a Pekko extension of the application's own ActorSystem: the first
 * {@code Hearsay.get(system)} starts the peer from the system's config, over the system's Artery
 * (see {@link HearsayPeer#host}); it stops with the system, or earlier with {@code peer().stop()}.
 *
 * <pre>{@code
 * Config config = HearsayPeer.actorSystemConfig(ConfigFactory.load());
 * ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hearsay", config);
 * HearsayPeer peer = Hearsay.get(system).peer();
 * }</pre>
 */
public final class Hearsay implements Extension {

  /** The extension's id, as Pekko looks extensions up. */
  public static final ExtensionId<Hearsay> ID = new ExtensionId<>() {
    @Override
    public Hearsay createExtension(ActorSystem<?> system) {
      try {
        Hearsay hearsay = new Hearsay(HearsayPeer.host(system));
        // The peer's files are closed when the system ends, however it ends.
        system.getWhenTerminated().thenRun(hearsay.peer::closeLedgers);
        return hearsay;
      } catch (ConfigError e) {
        throw new IllegalStateException("Hearsay cannot start in ActorSystem " + system.name() + ": " + e.getMessage(), e);
      }
    }
  };

  private final HearsayPeer peer;

  private Hearsay(HearsayPeer peer) {
    this.peer = peer;
  }

  /** The extension of {@code system}, starting its peer on first use. */
  public static Hearsay get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public HearsayPeer peer() {
    return peer;
  }
}
