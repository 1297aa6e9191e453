package io.hearsay.runtime.cli;

import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.ConfigError;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearsay peer start --config FILE}: one peer in the foreground until SIGTERM. */
@Command(name = "peer", mixinStandardHelpOptions = true, description = "Run a peer.",
    subcommands = {PeerCommand.Start.class})
final class PeerCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start a peer from a HOCON config file (Fabric's CORE_PEER_* variables override"
          + " it) and run it until SIGTERM, which stops it through coordinated shutdown.")
  static final class Start implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, description = "The peer's config file.")
    Path config;

    @Override
    public Integer call() {
      HearsayPeer peer;
      try {
        peer = HearsayPeer.start(config);
      } catch (ConfigError e) {
        spec.commandLine().getErr().println("hearsay peer start: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
      CoordinatedShutdown.get(Adapter.toClassic(peer.system())).addTask(
          CoordinatedShutdown.PhaseBeforeServiceUnbind(), "announce-stop", () -> {
            LoggerFactory.getLogger(PeerCommand.class).info("peer {} stopping (coordinated shutdown)",
                peer.endpoint());
            return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
          });
      return HearsayCommand.runUntilTerminated(spec,
          "peer " + peer.endpoint() + " started, PKI-ID " + peer.pkiId().hex(), peer.system());
    }
  }
}
