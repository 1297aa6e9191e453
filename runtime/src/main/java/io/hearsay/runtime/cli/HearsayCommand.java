package io.hearsay.runtime.cli;

import io.hearsay.runtime.config.ConfigError;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hearsay} command line. Exit codes: 0 success, 1 a check found a problem, 2 the
 * command could not run (bad arguments, unreadable files).
 */
@Command(
    name = "hearsay",
    mixinStandardHelpOptions = true,
    version = "hearsay 0.1.0",
    description = "Hyperledger Fabric's peer gossip on Apache Pekko.",
    subcommands = {NetworkCommand.class, CryptoCommand.class, PeerCommand.class, OrdererCommand.class,
        ChannelCommand.class, LedgerCommand.class, StatusCommand.class, TxCommand.class})
public final class HearsayCommand extends CommandGroup {

  public static final int OK = 0;
  public static final int CHECK_FAILED = 1;
  public static final int CANNOT_RUN = 2;

  /** The command line with Hearsay's exit codes, for {@link #main} and for tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new HearsayCommand());
    commandLine.setExitCodeExceptionMapper(e -> CANNOT_RUN);
    commandLine.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("hearsay: " + e.getMessage());
      e.getCommandLine().usage(e.getCommandLine().getErr());
      return CANNOT_RUN;
    });
    return commandLine;
  }

  /** A node the command line started: its ActorSystem, what it is, and what else to say of it. */
  record Started(ActorSystem<?> system, String name, String details) {}

  /** Starts a node; a config it cannot run with is a {@link ConfigError}. */
  @FunctionalInterface
  interface NodeStart {
    Started start() throws ConfigError;
  }

  /**
   * Starts a node and runs it in the foreground until its ActorSystem terminates: SIGTERM runs
   * coordinated shutdown, announced in the log. A config it cannot run with exits 2 with the error.
   */
  static int runNode(CommandLine.Model.CommandSpec spec, String command, NodeStart start) {
    Started node;
    try {
      node = start.start();
    } catch (ConfigError e) {
      spec.commandLine().getErr().println(command + ": " + e.getMessage());
      return CANNOT_RUN;
    }
    CoordinatedShutdown.get(Adapter.toClassic(node.system())).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "announce-stop", () -> {
          LoggerFactory.getLogger(HearsayCommand.class).info("{} stopping (coordinated shutdown)", node.name());
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    spec.commandLine().getOut().println(node.name() + " started, " + node.details());
    spec.commandLine().getOut().flush();
    node.system().getWhenTerminated().toCompletableFuture().join();
    return OK;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
