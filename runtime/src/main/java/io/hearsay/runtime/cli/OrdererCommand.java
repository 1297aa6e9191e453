package io.hearsay.runtime.cli;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.orderer.OrdererNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearsay orderer start --config FILE}: the embedded ordering service in the foreground until SIGTERM. */
@Command(name = "orderer", mixinStandardHelpOptions = true, description = "Run an orderer node.",
    subcommands = {OrdererCommand.Start.class})
final class OrdererCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start an orderer from a HOCON config file (keys under orderer) and run it until SIGTERM.")
  static final class Start implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, description = "The orderer's config file.")
    Path config;

    @Override
    public Integer call() {
      OrdererNode orderer;
      try {
        orderer = OrdererNode.start(config);
      } catch (ConfigError e) {
        spec.commandLine().getErr().println("hearsay orderer start: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
      return HearsayCommand.runUntilTerminated(spec,
          "orderer " + orderer.endpoint() + " started, channels " + orderer.channels(), orderer.system());
    }
  }
}
