package io.hearsay.runtime.cli;

import io.hearsay.runtime.orderer.OrdererNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearsay orderer start --config FILE}: the embedded ordering service in the foreground until SIGTERM. */
@Command(name = "orderer", mixinStandardHelpOptions = true, description = "Run an orderer node.",
    subcommands = {OrdererCommand.Start.class})
final class OrdererCommand extends CommandGroup {

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start an orderer from a HOCON config file (keys under orderer) and run it until SIGTERM.")
  static final class Start implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, description = "The orderer's config file.")
    Path config;

    @Override
    public Integer call() {
      return HearsayCommand.runNode(spec, "hearsay orderer start", () -> {
        OrdererNode orderer = OrdererNode.start(config);
        return new HearsayCommand.Started(orderer.system(), "orderer " + orderer.endpoint(),
            "channels " + orderer.channels());
      });
    }
  }
}
