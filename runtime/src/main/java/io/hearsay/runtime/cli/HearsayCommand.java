package io.hearsay.runtime.cli;

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
        ChannelCommand.class, LedgerCommand.class, StatusCommand.class})
public final class HearsayCommand implements Runnable {

  public static final int OK = 0;
  public static final int CHECK_FAILED = 1;
  public static final int CANNOT_RUN = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

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

  /** Prints that a node started and runs it in the foreground until its ActorSystem terminates (SIGTERM). */
  static int runUntilTerminated(CommandLine.Model.CommandSpec spec, String started,
      org.apache.pekko.actor.typed.ActorSystem<?> system) {
    spec.commandLine().getOut().println(started);
    spec.commandLine().getOut().flush();
    system.getWhenTerminated().toCompletableFuture().join();
    return OK;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
