package io.hearsay.runtime.cli;

import io.hearsay.runtime.network.DashboardProxy;
import io.hearsay.runtime.network.LocalNetwork;
import io.hearsay.runtime.network.NetworkRun;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearsay network up|down|tx|dashboard}: a local multi-org network of separate peer and orderer processes. */
@Command(name = "network", mixinStandardHelpOptions = true, description = "Run a local Fabric-style network.",
    subcommands = {NetworkCommand.Up.class, NetworkCommand.Down.class, NetworkCommand.Tx.class,
        NetworkCommand.Dashboard.class})
final class NetworkCommand extends CommandGroup {

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Generate crypto material, channel blocks and configs, start an orderer and every peer as separate"
          + " processes, submit transactions until --blocks blocks exist, then check that every peer of every channel"
          + " has the same height and tip. Exit 0 only if they agree.")
  static final class Up implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--orgs", defaultValue = "2", description = "Peer orgs (default ${DEFAULT-VALUE}).")
    int orgs;

    @Option(names = "--peers-per-org", defaultValue = "3", description = "Peers per org (default ${DEFAULT-VALUE}).")
    int peersPerOrg;

    @Option(names = "--channels", defaultValue = "1", description = "Channels, every peer in each (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--blocks", defaultValue = "100", description = "Blocks to order per channel (default ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--tx-rate", defaultValue = "50", description = "Transactions per second per channel (default ${DEFAULT-VALUE}).")
    int txRate;

    @Option(names = "--dir", defaultValue = "network", description = "The network's directory, replaced if it holds a stopped network (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--profile", defaultValue = "fabric", description = "Gossip profile of the peers: fabric "
        + "(Fabric's defaults) or hearsay (Plumtree, accrual failure detection, one-second election) (default ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--keep-running", description = "Leave the nodes running (stop them with 'network down').")
    boolean keepRunning;

    @Override
    public Integer call() {
      if (orgs < 1 || peersPerOrg < 1 || channels < 1 || blocks < 1 || txRate < 1) {
        spec.commandLine().getErr().println("hearsay network up: --orgs, --peers-per-org, --channels, --blocks and"
            + " --tx-rate must be at least 1");
        return HearsayCommand.CANNOT_RUN;
      }
      if (!profile.equals("fabric") && !profile.equals("hearsay")) {
        spec.commandLine().getErr().println("hearsay network up: --profile is fabric or hearsay, not " + profile);
        return HearsayCommand.CANNOT_RUN;
      }
      LocalNetwork network;
      try {
        network = LocalNetwork.create(dir, orgs, peersPerOrg, channels,
            LocalNetwork.Profile.valueOf(profile.toUpperCase(Locale.ROOT)));
      } catch (Exception e) {
        spec.commandLine().getErr().println("hearsay network up: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
      NetworkRun run = new NetworkRun(network, spec.commandLine().getOut(), json);
      try {
        return run.up(blocks, txRate) ? HearsayCommand.OK : HearsayCommand.CHECK_FAILED;
      } catch (Exception e) {
        spec.commandLine().getErr().println("hearsay network up: " + e.getMessage() + " (logs in " + dir.resolve("logs") + ")");
        return HearsayCommand.CANNOT_RUN;
      } finally {
        // The run's dashboard proxy and orderer client go before the nodes they talk to.
        run.close();
        if (keepRunning) {
          // With --json, stdout is the one JSON document: the hint goes with the other human lines.
          (json ? spec.commandLine().getErr() : spec.commandLine().getOut())
              .println("nodes left running; watch them with: hearsay network dashboard --dir " + dir
                  + "; stop them with: hearsay network down --dir " + dir);
        } else {
          network.stopAll();
        }
      }
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the nodes 'network up --keep-running' left.")
  static final class Down implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", defaultValue = "network", description = "The network's directory (default ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
      try {
        LocalNetwork network = LocalNetwork.load(dir);
        spec.commandLine().getOut().println("stopped " + network.stopAll() + " node(s)");
        return HearsayCommand.OK;
      } catch (Exception e) {
        spec.commandLine().getErr().println("hearsay network down: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
    }
  }

  @Command(name = "tx", mixinStandardHelpOptions = true, description = "Submit transactions to a running local network's orderer.")
  static final class Tx implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", defaultValue = "network", description = "The network's directory (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--count", defaultValue = "10", description = "Transactions per channel (default ${DEFAULT-VALUE}).")
    int count;

    @Override
    public Integer call() {
      try (NetworkRun run = new NetworkRun(LocalNetwork.load(dir), spec.commandLine().getOut(), false)) {
        int accepted = run.submit(count);
        spec.commandLine().getOut().println(accepted + " transaction(s) accepted by the orderer");
        return accepted == count * run.channels() ? HearsayCommand.OK : HearsayCommand.CHECK_FAILED;
      } catch (Exception e) {
        spec.commandLine().getErr().println("hearsay network tx: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
    }
  }

  @Command(name = "dashboard", mixinStandardHelpOptions = true,
      description = "Open a running local network's dashboard: a read-only proxy on 127.0.0.1 to one node's admin"
          + " endpoint, holding its org admin's client certificate, until interrupted.")
  static final class Dashboard implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", defaultValue = "network", description = "The network's directory (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--node", description = "The node whose page to show (default: the first peer).")
    String node;

    @Option(names = "--port", defaultValue = "0", description = "The local port (default: any free one).")
    int port;

    @Override
    public Integer call() throws Exception {
      LocalNetwork network;
      try {
        network = LocalNetwork.load(dir);
      } catch (Exception e) {
        spec.commandLine().getErr().println("hearsay network dashboard: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
      LocalNetwork.Node target = node == null ? network.peers().get(0) : network.nodes().stream()
          .filter(n -> n.name().equals(node)).findFirst().orElse(null);
      if (target == null) {
        spec.commandLine().getErr().println("hearsay network dashboard: no node " + node + " in " + dir + "; nodes: "
            + network.nodes().stream().map(LocalNetwork.Node::name).toList());
        return HearsayCommand.CANNOT_RUN;
      }
      try (DashboardProxy proxy = DashboardProxy.start(target.admin(), network.adminTls(target), port)) {
        spec.commandLine().getOut().println("dashboard of " + target.name() + ": " + proxy.url()
            + " (Ctrl-C to stop)");
        spec.commandLine().getOut().flush();
        new CountDownLatch(1).await();
      }
      return HearsayCommand.OK;
    }
  }
}
