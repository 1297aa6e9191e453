package io.hearsay.runtime.cli;

import io.hearsay.runtime.admin.AdminClient;
import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.config.Endpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearsay status --admin host:port [--json]}: a node's status, for a person or as JSON. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print a running node's status from its admin endpoint (exit 2 if unreachable).")
final class StatusCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  AdminConnection connection;

  @Option(names = "--json", description = "Print the status JSON as served.")
  boolean json;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    Endpoint endpoint;
    AdminClient client;
    try {
      endpoint = connection.endpoint();
      client = connection.client();
    } catch (IllegalArgumentException | IOException e) {
      spec.commandLine().getErr().println("hearsay status: " + e.getMessage());
      return HearsayCommand.CANNOT_RUN;
    }
    PrintWriter out = spec.commandLine().getOut();
    try {
      if (json) {
        out.println(client.get(endpoint, "/status").strip());
        return HearsayCommand.OK;
      }
      Map<String, Object> status = client.status(endpoint);
      out.printf("%s %s of %s at %s%n", status.get("role"), status.get("node"), status.get("mspId"), status.get("endpoint"));
      if (status.get("membership") instanceof Map<?, ?> membership) {
        List<Map<String, Object>> alive = (List<Map<String, Object>>) membership.get("alive");
        List<Map<String, Object>> dead = (List<Map<String, Object>>) membership.get("dead");
        out.printf("membership: %d alive, %d dead%n", alive.size(), dead.size());
        alive.forEach(m -> out.printf("  alive %-22s %s%n", m.get("endpoint"), m.get("mspId")));
        dead.forEach(m -> out.printf("  dead  %-22s %s%n", m.get("endpoint"), m.get("mspId")));
      }
      for (Map<String, Object> channel : (List<Map<String, Object>>) status.get("channels")) {
        out.printf("channel %s: height %d, tip %.16s…%s%n", channel.get("channel"),
            Json.asLong(channel.get("height")), channel.get("tipHash"),
            Boolean.TRUE.equals(channel.get("leader")) ? ", leader of its org" : "");
      }
      return HearsayCommand.OK;
    } catch (IOException e) {
      spec.commandLine().getErr().println("hearsay status: " + endpoint + ": " + e.getMessage());
      return HearsayCommand.CANNOT_RUN;
    }
  }
}
