package io.hearsay.runtime.embedding;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.runtime.Hearsay;
import io.hearsay.runtime.HearsayPeer;
import java.io.PrintStream;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

// README example: begin
/** Prints every committed block of a channel: its number and how many transactions it holds. */
public final class PrintBlocks {

  public static void main(String[] args) throws Exception {
    // application.conf holds the peer's keys (peer.*, hearsay.*), as a node's config file does.
    Config config = HearsayPeer.actorSystemConfig(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hearsay", config);
    HearsayPeer peer = Hearsay.get(system).peer();
    print(peer, args[0], System.out);
  }

  /** From the first block on, then each block as it commits, at the pace the output takes them. */
  static CompletionStage<Done> print(HearsayPeer peer, String channel, PrintStream out) {
    return peer.blocks(channel, 0).runForeach(block -> out.printf("block %d: %d transaction(s)%n",
        block.getHeader().getNumber(), block.getData().getDataCount()), peer.system());
  }
}
// README example: end
