package io.hearsay.ledger.crash;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.ledger.block.BlockBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;

/**
 * A separate JVM that appends blocks to a channel ledger as fast as it can, printing
 * {@code HEIGHT h} at start and {@code ACK n} after each acknowledged block, until it is killed.
 * Args: DATA_DIR CHANNEL.
 */
public final class CrashWriter {

  public static void main(String[] args) {
    Config config = ConfigFactory.load(ConfigFactory.parseMap(Map.of(
        "hearsay.ledger.data-dir", args[0], "hearsay.ledger.snapshot-every", 50, "pekko.loglevel", "WARNING")));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "crash-writer", config);
    try {
      var ledger = system.systemActorOf(ChannelLedger.create(LedgerSettings.read(config), args[1]), "ledger",
          Props.empty());
      ChannelLedger.Height height = AskPattern.<ChannelLedger.Command, ChannelLedger.Height>ask(ledger,
          ChannelLedger.GetHeight::new, Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().join();
      System.out.println("HEIGHT " + height.height());
      System.out.flush();
      Block tip = null;
      if (height.height() > 0) {
        Optional<Block> last = AskPattern.<ChannelLedger.Command, Optional<Block>>ask(ledger,
            replyTo -> new ChannelLedger.GetBlock(height.height() - 1, replyTo), Duration.ofSeconds(30),
            system.scheduler()).toCompletableFuture().join();
        tip = last.orElseThrow();
      }
      byte[] payload = new byte[2048];
      while (true) {
        payload[0]++;
        List<ByteString> data = List.of(ByteString.copyFrom(payload));
        Block next = tip == null ? BlockBuilder.block(0, ByteString.EMPTY, data) : BlockBuilder.next(tip, data);
        ChannelLedger.AppendResult result = AskPattern.<ChannelLedger.Command, ChannelLedger.AppendResult>ask(ledger,
            replyTo -> new ChannelLedger.AppendBlock(next, replyTo), Duration.ofSeconds(30),
            system.scheduler()).toCompletableFuture().join();
        if (!(result instanceof ChannelLedger.Committed)) {
          System.out.println("FAILED " + result);
          System.exit(3);
        }
        System.out.println("ACK " + next.getHeader().getNumber());
        System.out.flush();
        tip = next;
      }
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(4);
    }
  }
}
