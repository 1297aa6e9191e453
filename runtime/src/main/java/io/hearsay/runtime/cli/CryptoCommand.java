package io.hearsay.runtime.cli;

import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearsay crypto generate|verify}: the project's cryptogen and a check of its output. */
@Command(name = "crypto", mixinStandardHelpOptions = true,
    description = "Generate and check MSP and TLS material (Fabric cryptogen layout).",
    subcommands = {CryptoCommand.Generate.class, CryptoCommand.Verify.class})
final class CryptoCommand extends CommandGroup {

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write CAs, signing and TLS material for N orgs of M peers (and an orderer org),"
          + " then check every node against its org's MSP.")
  static final class Generate implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "Directory to write (must be empty or absent).")
    Path out;

    @Option(names = "--orgs", defaultValue = "2", description = "Number of peer orgs (default: ${DEFAULT-VALUE}).")
    int orgs;

    @Option(names = "--peers-per-org", defaultValue = "3",
        description = "Peers in each org (default: ${DEFAULT-VALUE}).")
    int peersPerOrg;

    @Option(names = "--orderer-org", description = "Also write an orderer org with one orderer node.")
    boolean ordererOrg;

    @Option(names = "--force", description = "Replace an existing, non-empty --out directory.")
    boolean force;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      CryptoMaterial material;
      try {
        material = CryptoMaterialGenerator.generate(
            new CryptoMaterialGenerator.Request(this.out, orgs, peersPerOrg, ordererOrg, force));
      } catch (IOException | IllegalArgumentException e) {
        err.println("hearsay crypto generate: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
      out.println("Wrote crypto material to " + material.root().toAbsolutePath());
      return check(material, out, err);
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check that every node's certificate is accepted by its org's MSP and refused by"
          + " every other org's.")
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, description = "Directory written by 'crypto generate'.")
    Path dir;

    @Override
    public Integer call() {
      try {
        return check(CryptoMaterial.load(dir), spec.commandLine().getOut(), spec.commandLine().getErr());
      } catch (IOException e) {
        spec.commandLine().getErr().println("hearsay crypto verify: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
    }
  }

  /**
   * Validates every node of the material with its own org's MSP (must accept) and with every
   * other org's MSP while claiming that org (must refuse), and prints one line per node.
   */
  static int check(CryptoMaterial material, PrintWriter out, PrintWriter err) {
    Instant now = Instant.now();
    List<String> problems = new ArrayList<>();
    try {
      MspRegistry msps = material.mspRegistry();
      out.printf("%-12s %-28s %-10s %s%n", "MSP", "node", "own MSP", "PKI-ID");
      for (CryptoMaterial.Org org : material.orgs()) {
        for (String node : org.nodes()) {
          PeerIdentity identity = material.signingIdentity(org, node).identity();
          Verdict<Msp.ValidityWindow> own = msps.validate(identity, now);
          out.printf("%-12s %-28s %-10s %s%n", org.mspId(), node,
              own.isAccepted() ? "accepted" : "REFUSED", identity.pkiId().hex().substring(0, 16));
          if (!own.isAccepted()) {
            problems.add(node + ": " + own.rejection());
          }
          for (CryptoMaterial.Org other : material.orgs()) {
            if (other != org && msps.validate(PeerIdentity.of(other.mspId(), identity.certificate()), now)
                .isAccepted()) {
              problems.add(node + " is wrongly accepted by " + other.mspId());
            }
          }
        }
      }
    } catch (IOException | CertificateException e) {
      err.println("hearsay crypto: cannot read material in " + material.root() + ": " + e.getMessage());
      return HearsayCommand.CANNOT_RUN;
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("problem: " + p));
      return HearsayCommand.CHECK_FAILED;
    }
    out.println("Every node is accepted by its own org's MSP and refused by the others.");
    return HearsayCommand.OK;
  }
}
