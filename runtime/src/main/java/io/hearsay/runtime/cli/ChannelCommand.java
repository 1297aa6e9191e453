package io.hearsay.runtime.cli;

import io.hearsay.channels.config.AnchorPeer;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.config.Ordering;
import io.hearsay.channels.config.OrgDefinition;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.protocol.admin.JoinChainProposal;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.runtime.PeerIdentityFiles;
import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.hyperledger.fabric.protos.common.Block;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hearsay channel inspect|create}: Fabric config blocks. */
@Command(name = "channel", mixinStandardHelpOptions = true,
    description = "Read and write Fabric channel config blocks.",
    subcommands = {ChannelCommand.Inspect.class, ChannelCommand.Create.class, ChannelCommand.Join.class})
final class ChannelCommand extends CommandGroup {

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Print a config block's channel name, orgs (MSP id, number of root certificates) and"
          + " anchor peers. Exit 0, 1 if the block is not a config block, 2 if unreadable.")
  static final class Inspect implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "A common.Block protobuf file.")
    Path file;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      ChannelConfig config;
      try {
        config = ChannelConfig.of(Block.parseFrom(Files.readAllBytes(file)));
      } catch (IOException e) {
        spec.commandLine().getErr().println("hearsay channel inspect: cannot read " + file + ": " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("hearsay channel inspect: " + file + ": " + e.getMessage());
        return HearsayCommand.CHECK_FAILED;
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Ordering ordering = config.ordering();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("channel", config.channelId());
        document.put("ordererOrgs", orgsJson(config.ordererOrgs()));
        document.put("applicationOrgs", orgsJson(config.applicationOrgs()));
        document.put("ordererAddresses", ordering.ordererAddresses());
        document.put("maxMessageCount", ordering.maxMessageCount());
        document.put("batchTimeoutMillis", ordering.batchTimeout().toMillis());
        out.println(Json.write(document));
      } else {
        out.println("channel: " + config.channelId());
        config.ordererOrgs().forEach(o -> out.println("orderer org:     " + describe(o)));
        config.applicationOrgs().forEach(o -> out.println("application org: " + describe(o)));
        Ordering ordering = config.ordering();
        out.println("orderers:        " + (ordering.ordererAddresses().isEmpty() ? "none"
            : String.join(", ", ordering.ordererAddresses())) + "; blocks of at most " + ordering.maxMessageCount()
            + " transactions or " + ordering.batchTimeout().toMillis() + " ms");
      }
      return HearsayCommand.OK;
    }

    private static String describe(OrgDefinition org) {
      String msp = org.msp().map(m -> m.roots().size() + " root certificate(s)").orElse("idemix MSP (not supported)");
      String anchors = org.anchorPeers().isEmpty() ? "no anchor peers"
          : "anchor peers " + org.anchorPeers().stream().map(AnchorPeer::toString).collect(Collectors.joining(", "));
      return org.mspId() + ", " + msp + ", " + anchors;
    }

    /** An org in the JSON report. */
    private record Org(String mspId, int rootCerts, String mspType, List<String> anchorPeers) {}

    private static List<Org> orgsJson(List<OrgDefinition> orgs) {
      return orgs.stream().map(o -> new Org(o.mspId(), o.msp().map(m -> m.roots().size()).orElse(0),
          o.msp().isPresent() ? "x509" : "idemix", o.anchorPeers().stream().map(AnchorPeer::toString).toList())).toList();
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Write a channel's genesis config block from crypto material made by 'crypto generate'.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", required = true, description = "The channel name.")
    String name;

    @Option(names = "--crypto", required = true, description = "Directory written by 'crypto generate'.")
    Path crypto;

    @Option(names = "--anchors", split = ",", description = "Anchor peers, MSPID=host:port, comma separated.")
    List<String> anchors = new ArrayList<>();

    @Option(names = "--out", required = true, description = "The block file to write.")
    Path out;

    @Option(names = "--orderer", split = ",", description = "Orderer addresses (host:port) peers pull blocks from.")
    List<String> orderers = new ArrayList<>();

    @Option(names = "--max-message-count", defaultValue = "500",
        description = "BatchSize.MaxMessageCount: transactions per block (default ${DEFAULT-VALUE}).")
    int maxMessageCount;

    @Option(names = "--batch-timeout", defaultValue = "2s",
        description = "BatchTimeout: a block is cut this long after its first transaction (default ${DEFAULT-VALUE}).")
    String batchTimeout;

    @Override
    public Integer call() {
      try {
        LedgerStores.checkChannelName(name);
        Map<String, List<AnchorPeer>> byOrg = new HashMap<>();
        for (String anchor : anchors) {
          int eq = anchor.indexOf('=');
          Endpoint endpoint = eq < 0 ? null : Endpoint.parse(anchor.substring(eq + 1)).orElse(null);
          if (endpoint == null) {
            spec.commandLine().getErr().println("hearsay channel create: --anchors " + anchor + " is not MSPID=host:port");
            return HearsayCommand.CANNOT_RUN;
          }
          byOrg.computeIfAbsent(anchor.substring(0, eq), k -> new ArrayList<>())
              .add(new AnchorPeer(endpoint.host(), endpoint.port()));
        }
        CryptoMaterial material = CryptoMaterial.load(crypto);
        for (String mspId : byOrg.keySet()) {
          material.org(mspId);
        }
        for (String orderer : orderers) {
          if (Endpoint.parse(orderer).isEmpty()) {
            spec.commandLine().getErr().println("hearsay channel create: --orderer " + orderer + " is not host:port");
            return HearsayCommand.CANNOT_RUN;
          }
        }
        Ordering ordering = new Ordering(orderers, maxMessageCount, ChannelConfig.fabricDuration(batchTimeout));
        Block genesis = GenesisBlocks.create(name, material, byOrg, ordering);
        Files.write(out, genesis.toByteArray());
        spec.commandLine().getOut().println("wrote the genesis block of " + name + " to " + out);
        return HearsayCommand.OK;
      } catch (IOException | CertificateException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("hearsay channel create: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
    }
  }

  @Command(name = "join", mixinStandardHelpOptions = true,
      description = "Make a running peer join the channel a genesis config block defines, through its admin endpoint:"
          + " the request is Fabric's (a cscc JoinChain proposal) signed by an admin of the peer's org."
          + " Exit 0 joined, 1 refused, 2 could not run.")
  static final class Join implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    AdminConnection connection;

    @Option(names = {"--block", "-b"}, required = true, description = "The channel's genesis block file.")
    Path block;

    @Option(names = "--msp", description = "The admin's MSP directory (signcerts/, keystore/), e.g. "
        + "users/Admin@org1.example.com/msp; default: $CORE_PEER_MSPCONFIGPATH.")
    Path msp = System.getenv("CORE_PEER_MSPCONFIGPATH") == null ? null : Path.of(System.getenv("CORE_PEER_MSPCONFIGPATH"));

    @Option(names = "--msp-id", description = "The admin's MSP id, e.g. Org1MSP; default: $CORE_PEER_LOCALMSPID.")
    String mspId = System.getenv("CORE_PEER_LOCALMSPID");

    @Override
    public Integer call() {
      if (msp == null || mspId == null || mspId.isBlank()) {
        spec.commandLine().getErr().println("hearsay channel join: the request must be signed by an admin of the peer's "
            + "org: give --msp and --msp-id (or CORE_PEER_MSPCONFIGPATH and CORE_PEER_LOCALMSPID)");
        return HearsayCommand.CANNOT_RUN;
      }
      try {
        Endpoint endpoint = connection.endpoint();
        var admin = PeerIdentityFiles.signingIdentity(mspId, msp, "--msp");
        Block genesis = Block.parseFrom(Files.readAllBytes(block));
        byte[] request = JoinChainProposal.create(admin, genesis, Instant.now())
            .toByteArray();
        String answer = connection.client().post(endpoint, "/channels", request, 202);
        spec.commandLine().getOut().println(answer.strip());
        return HearsayCommand.OK;
      } catch (IOException e) {
        boolean refused = e.getMessage() != null && (e.getMessage().startsWith("HTTP 403") || e.getMessage().startsWith("HTTP 400"));
        spec.commandLine().getErr().println("hearsay channel join: " + e.getMessage());
        return refused ? HearsayCommand.CHECK_FAILED : HearsayCommand.CANNOT_RUN;
      } catch (IllegalArgumentException | ConfigError e) {
        spec.commandLine().getErr().println("hearsay channel join: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
    }
  }
}
