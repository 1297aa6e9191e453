package io.hearsay.bench.footprint;

import com.typesafe.config.ConfigFactory;
import io.hearsay.runtime.node.NodeLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The stack's floor: a Pekko ActorSystem with Artery remoting on loopback and nothing else (no
 * actor of Hearsay's, no persistence, no TLS, no HTTP), in a JVM started with a peer's options. What
 * a Hearsay peer holds above it is Hearsay's; what it holds is the JVM's and Pekko's.
 */
public final class BareActorSystem {

  private BareActorSystem() {}

  public static void main(String[] args) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bare", ConfigFactory.parseMap(Map.of(
        "pekko.actor.provider", "remote", "pekko.remote.artery.canonical.hostname", "127.0.0.1",
        "pekko.remote.artery.canonical.port", 0, "pekko.loglevel", "WARNING")).withFallback(ConfigFactory.load()));
    System.out.println("up at " + system.address());
    // Runs until the bench stops it, or its stdin closes (the bench died without stopping it).
    while (System.in.read() >= 0) {
      // nothing to read
    }
    system.terminate();
  }

  /** Starts it as a peer process is started: the same JVM options and environment. */
  static Process start(Path log) throws IOException {
    return NodeLauncher.start(BareActorSystem.class.getName(), List.of(), log);
  }
}
