package io.hearsay.runtime.cli;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.PeerIdentityFiles;
import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import io.hearsay.runtime.grpc.ClientTls;
import io.hearsay.runtime.orderer.OrdererClient;
import io.hearsay.runtime.tls.PemTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hearsay tx}: signed {@code ENDORSER_TRANSACTION} envelopes carrying a key/value write set,
 * broadcast to an orderer (Fabric's or Hearsay's) over {@code AtomicBroadcast.Broadcast}, so a
 * channel gets blocks without chaincode. Options as Fabric's peer CLI names them.
 */
@Command(name = "tx", mixinStandardHelpOptions = true,
    description = "Broadcast signed transactions to an orderer (Fabric's AtomicBroadcast over gRPC). Exit 0 when the "
        + "orderer accepted every one, 1 when it refused some, 2 when they could not be sent.")
final class TxCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"--orderer", "-o"}, required = true, description = "The orderer's endpoint, host:port.")
  String orderer;

  @Option(names = {"--channel", "-c"}, required = true, description = "The channel.")
  String channel;

  @Option(names = "--msp", description = "The signer's MSP directory (signcerts/, keystore/): a writer of the channel, "
      + "e.g. users/User1@org1.example.com/msp; default: $CORE_PEER_MSPCONFIGPATH.")
  Path msp = System.getenv("CORE_PEER_MSPCONFIGPATH") == null ? null : Path.of(System.getenv("CORE_PEER_MSPCONFIGPATH"));

  @Option(names = "--msp-id", description = "The signer's MSP id; default: $CORE_PEER_LOCALMSPID.")
  String mspId = System.getenv("CORE_PEER_LOCALMSPID");

  @Option(names = "--cafile", description = "TLS: the CA (PEM) of the orderer's TLS certificate; without it, plain gRPC.")
  Path caFile;

  @Option(names = "--certfile", description = "TLS: our client certificate (PEM), for an orderer that requires one.")
  Path certFile;

  @Option(names = "--keyfile", description = "TLS: the key (PEM) of --certfile.")
  Path keyFile;

  @Option(names = "--count", defaultValue = "1", description = "Transactions to send (default ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--namespace", defaultValue = "hearsay",
      description = "The chaincode namespace of the write sets (default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--timeout", defaultValue = "30",
      description = "Seconds to wait for each of the orderer's answers (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--json", description = "Print the outcome as one JSON document.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (msp == null || mspId == null || mspId.isBlank()) {
      err.println("hearsay tx: transactions are signed by a writer of the channel: give --msp and --msp-id "
          + "(or CORE_PEER_MSPCONFIGPATH and CORE_PEER_LOCALMSPID)");
      return HearsayCommand.CANNOT_RUN;
    }
    if ((certFile == null) != (keyFile == null) || (certFile != null && caFile == null)) {
      err.println("hearsay tx: --certfile and --keyfile go together, and need --cafile (TLS)");
      return HearsayCommand.CANNOT_RUN;
    }
    Optional<Endpoint> endpoint = Endpoint.parse(orderer);
    if (endpoint.isEmpty() || count < 1) {
      err.println("hearsay tx: " + (endpoint.isEmpty() ? "--orderer " + orderer + " is not host:port" : "--count must be positive"));
      return HearsayCommand.CANNOT_RUN;
    }
    Optional<ClientTls> tls = Optional.ofNullable(caFile).map(ca -> new ClientTls(List.of(ca),
        Optional.ofNullable(certFile).map(cert -> new PemTls.KeyPair(cert, keyFile))));
    try (AtomicBroadcastClient connections = new AtomicBroadcastClient(tls,
        new AtomicBroadcastClient.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(20)))) {
      SigningIdentity creator = PeerIdentityFiles.signingIdentity(mspId, msp, "--msp");
      Map<String, Integer> outcomes = broadcast(connections, endpoint.get(), creator);
      int accepted = outcomes.getOrDefault(Status.SUCCESS.name(), 0);
      report(outcomes, accepted);
      return accepted == count ? HearsayCommand.OK : HearsayCommand.CHECK_FAILED;
    } catch (ConfigError | IOException | IllegalArgumentException e) {
      err.println("hearsay tx: " + e.getMessage());
      return HearsayCommand.CANNOT_RUN;
    }
  }

  /** Sends every transaction on one stream, then counts the answers by status (or by the error that ended them). */
  private Map<String, Integer> broadcast(AtomicBroadcastClient connections, Endpoint endpoint, SigningIdentity creator)
      throws IOException {
    try (OrdererClient client = new OrdererClient(connections, endpoint, List.of(),
        Duration.ofSeconds(timeoutSeconds))) {
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String key = "tx-" + System.nanoTime() + "-" + i;
        answers.add(client.broadcast(KeyValueTransactions.write(creator, channel, namespace,
                Map.of(key, ByteString.copyFromUtf8(key)))).toCompletableFuture()
            .handle((response, error) -> outcome(response, error)));
      }
      Map<String, Integer> outcomes = new TreeMap<>();
      answers.forEach(a -> outcomes.merge(a.join(), 1, Integer::sum));
      return outcomes;
    }
  }

  private static String outcome(BroadcastResponse response, Throwable error) {
    if (error != null) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      return "not answered: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }
    return response.getInfo().isBlank() ? response.getStatus().name()
        : response.getStatus().name() + " (" + response.getInfo() + ")";
  }

  private void report(Map<String, Integer> outcomes, int accepted) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("orderer", orderer);
      document.put("channel", channel);
      document.put("sent", count);
      document.put("accepted", accepted);
      document.put("outcomes", outcomes);
      out.println(Json.write(document));
    } else {
      out.printf("%d of %d transaction(s) accepted by the orderer at %s for channel %s%n", accepted, count, orderer,
          channel);
      outcomes.forEach((outcome, n) -> {
        if (!outcome.equals(Status.SUCCESS.name())) {
          out.printf("  %d: %s%n", n, outcome);
        }
      });
    }
    out.flush();
  }
}
