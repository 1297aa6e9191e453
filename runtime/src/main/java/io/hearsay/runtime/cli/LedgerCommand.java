package io.hearsay.runtime.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.block.BlockRecords;
import io.hearsay.ledger.block.BlockValidator;
import io.hearsay.ledger.block.ChainVerifier;
import io.hearsay.ledger.store.BlockStore;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.runtime.admin.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hearsay ledger verify|import|export}: Fabric block files in and out of the ledger. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
    description = "Verify Fabric block files; import them into a channel ledger and export them back.",
    subcommands = {LedgerCommand.Verify.class, LedgerCommand.Import.class, LedgerCommand.Export.class})
final class LedgerCommand extends CommandGroup {

  /** A Fabric block file, or a single {@code common.Block} protobuf when named *.block or *.pb. */
  static boolean isSingleBlock(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".block") || name.endsWith(".pb");
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check a block file (or a single .block): numbers, data hashes, previous hashes and"
          + " orderer signatures. Exit 0 if valid, 1 if not, 2 if unreadable.")
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "blockfile_NNNNNN, or a .block / .pb file")
    Path file;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() {
      ChainVerifier verifier = new ChainVerifier(Instant.now());
      try {
        if (isSingleBlock(file)) {
          byte[] bytes = Files.readAllBytes(file);
          try {
            Block block = Block.parseFrom(bytes);
            // Alone, a block's link cannot be checked: take its number and previous hash as given.
            verifier = new ChainVerifier(Instant.now(), block.getHeader().getNumber(), block.getHeader().getPreviousHash());
            verifier.accept(block);
          } catch (InvalidProtocolBufferException e) {
            verifier.unreadable(new BlockFileScanner.CorruptionException(file, 0,
                bytes.length + " bytes are not a common.Block: " + e.getMessage()));
          }
        } else {
          scan(file, verifier);
        }
      } catch (IOException e) {
        spec.commandLine().getErr().println("hearsay ledger verify: cannot read " + file + ": " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      }
      ChainVerifier.Report report = verifier.report();
      print(report, spec.commandLine().getOut());
      return report.valid() ? HearsayCommand.OK : HearsayCommand.CHECK_FAILED;
    }

    /** A bad block in the JSON report. */
    private record Problem(long block, String reason, String detail) {}

    private void print(ChainVerifier.Report report, PrintWriter out) {
      if (json) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("file", file.toString());
        document.put("height", report.height());
        document.put("tipHash", BlockValidator.hex(report.tipHash()));
        document.put("valid", report.valid());
        document.put("signedBlocks", report.signedBlocks());
        document.put("unsignedBlocks", report.unsignedBlocks());
        document.put("problems", report.problems().stream().map(p -> new Problem(p.block(),
            p.rejection().reason().name(), p.rejection().detail())).toList());
        document.put("unreadable", report.unreadable());
        out.println(Json.write(document));
        return;
      }
      out.printf("file:     %s%nheight:   %d%ntip hash: %s%nsigned:   %d blocks with a valid orderer signature, %d unsigned%n",
          file, report.height(), BlockValidator.hex(report.tipHash()), report.signedBlocks(), report.unsignedBlocks());
      if (report.valid()) {
        out.println("valid");
      }
      report.problems().forEach(p -> out.println("bad link: " + p.rejection()));
      report.unreadable().forEach(u -> out.println("unreadable: " + u.detail()));
    }
  }

  /**
   * Feeds every block of a block file to {@code verifier}; bytes that do not read as a record (a
   * record cut short, or one that is not a block) are reported to it as unreadable. Throws only
   * when the file cannot be read at all.
   */
  static void scan(Path file, ChainVerifier verifier) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException(file + " is not a readable file");
    }
    try {
      BlockFileScanner.scan(file, 0, entry -> verifier.accept(entry.block())).tornTail().ifPresent(verifier::unreadable);
    } catch (BlockFileScanner.CorruptionException e) {
      verifier.unreadable(e);
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Commit the blocks of a Fabric block file to a channel ledger, validating each.")
  static final class Import implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The block file to import.")
    Path file;

    @Option(names = "--channel", required = true, description = "The channel whose ledger receives the blocks.")
    String channel;

    @Option(names = "--data", required = true, description = "The ledger data directory.")
    Path data;

    @Override
    public Integer call() throws Exception {
      Config config = ConfigFactory.load(ConfigFactory.parseMap(Map.of(
          "hearsay.ledger.data-dir", data.toAbsolutePath().toString(), "pekko.loglevel", "WARNING")));
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hearsay-ledger", config);
      try {
        var ledger = system.systemActorOf(ChannelLedger.create(LedgerSettings.read(config), channel), "ledger-" + channel,
            Props.empty());
        long[] counts = new long[2];
        String[] failure = {null};
        if (!Files.isReadable(file)) {
          throw new IOException(file + " is not a readable file");
        }
        Optional<BlockFileScanner.TornRecord> torn = Optional.empty();
        try {
          torn = BlockFileScanner.scan(file, 0, entry -> {
          if (failure[0] != null) {
            return;
          }
          ChannelLedger.AppendResult result = AskPattern.<ChannelLedger.Command, ChannelLedger.AppendResult>ask(ledger,
              replyTo -> new ChannelLedger.AppendBlock(entry.block(), replyTo), Duration.ofSeconds(30),
              system.scheduler()).toCompletableFuture().join();
          if (result instanceof ChannelLedger.Rejected rejected) {
            failure[0] = "a refused block: " + rejected.rejection();
          } else {
            counts[result instanceof ChannelLedger.Committed ? 0 : 1]++;
          }
          }).tornTail();
        } catch (BlockFileScanner.CorruptionException e) {
          failure[0] = "unreadable record: " + e.getMessage();
        }
        if (failure[0] == null && torn.isPresent()) {
          failure[0] = "unreadable record: " + file + ": " + torn.get();
        }
        spec.commandLine().getOut().printf("imported %d blocks into %s (%d already there)%n", counts[0], channel, counts[1]);
        if (failure[0] != null) {
          spec.commandLine().getErr().println("hearsay ledger import: stopped at " + failure[0]);
          return HearsayCommand.CHECK_FAILED;
        }
        return HearsayCommand.OK;
      } catch (IOException e) {
        spec.commandLine().getErr().println("hearsay ledger import: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
        LedgerStores.close(data, channel);
      }
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write a channel ledger's blocks to one Fabric block file.")
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--channel", required = true, description = "The channel to export.")
    String channel;

    @Option(names = "--data", required = true, description = "The ledger data directory.")
    Path data;

    @Option(names = "--out", required = true, description = "The block file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
      if (!Files.isDirectory(LedgerStores.channelDir(data, channel))) {
        spec.commandLine().getErr().println("hearsay ledger export: no ledger of channel " + channel + " in " + data);
        return HearsayCommand.CANNOT_RUN;
      }
      try (OutputStream file = Files.newOutputStream(out)) {
        BlockStore store = LedgerStores.store(data, channel, Long.MAX_VALUE);
        long[] tip = {0};
        IOException[] failure = {null};
        store.read(0, store.height() - 1, block -> {
          try {
            file.write(BlockRecords.frame(BlockRecords.encode(block)));
            tip[0]++;
          } catch (IOException e) {
            failure[0] = e;
          }
        });
        if (failure[0] != null) {
          throw failure[0];
        }
        spec.commandLine().getOut().printf("exported %d blocks of %s to %s (tip %s)%n", tip[0], channel, out,
            BlockValidator.hex(store.tipHash()));
        return HearsayCommand.OK;
      } catch (IOException e) {
        spec.commandLine().getErr().println("hearsay ledger export: " + e.getMessage());
        return HearsayCommand.CANNOT_RUN;
      } finally {
        LedgerStores.close(data, channel);
      }
    }
  }
}
