package io.hearsay.runtime.cli;

import io.hearsay.runtime.HearsayPeer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearsay peer start --config FILE}: one peer in the foreground until SIGTERM. */
@Command(name = "peer", mixinStandardHelpOptions = true, description = "Run a peer.",
    subcommands = {PeerCommand.Start.class})
final class PeerCommand extends CommandGroup {

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
      return HearsayCommand.runNode(spec, "hearsay peer start", () -> {
        HearsayPeer peer = HearsayPeer.start(config);
        return new HearsayCommand.Started(peer.system(), "peer " + peer.endpoint(), "PKI-ID " + peer.pkiId().hex());
      });
    }
  }
}
