package io.hearsay.runtime.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.ledger.state.WorldState;
import io.hearsay.runtime.Hearsay;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.PeerAddress;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestNetwork;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer hosted in an application's own ActorSystem (the Hearsay extension), beside a standalone
 * peer of its org over real Artery: its blocks as a Pekko Streams source, replayed then live and
 * back-pressured, and world-state reads.
 */
class EmbeddedPeerTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final String CHANNEL = "mychannel";

  private final TestNetwork network = new TestNetwork(1, 2);
  private ActorSystem<Void> app;

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.terminate();
      app.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    network.close();
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WITHIN.toSeconds(), TimeUnit.SECONDS);
  }

  private static List<Long> numbers(List<Block> blocks) {
    return blocks.stream().map(b -> b.getHeader().getNumber()).toList();
  }

  @Test
  void aPeerInTheApplicationsSystemStreamsBlocksReplayedThenLiveAtTheConsumersPaceAndReadsWorldState()
      throws Exception {
    HearsayPeer standalone = network.startChannel(CHANNEL, 1).get(0);
    Config config = HearsayPeer.actorSystemConfig(network.config(1, 1, List.of(standalone.endpoint()), Map.of()));
    app = ActorSystem.create(Behaviors.empty(), "hearsay", config);
    HearsayPeer hosted = Hearsay.get(app).peer();
    assertSame(app, hosted.system(), "the application's system is the peer's");
    assertSame(hosted, Hearsay.get(app).peer(), "one peer per system");
    assertEquals(PeerAddress.endpoint(app), hosted.arteryEndpoint(), "over the system's own Artery");
    hosted.joinChannel(network.genesis(CHANNEL));

    network.order(CHANNEL, 4);
    CryptoMaterial material = network.material();
    network.order(CHANNEL, List.of(KeyValueTransactions.write(material.userIdentity(material.org("Org1MSP"),
        CryptoMaterial.USER), CHANNEL, "app", Map.of("greeting", ByteString.copyFromUtf8("hello")))));
    TestNetwork.awaitHeight(List.of(standalone, hosted), CHANNEL, 6, WITHIN);

    List<Block> replayed = get(hosted.blocks(CHANNEL, 0).take(6).runWith(Sink.seq(), app));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), numbers(replayed), "replayed from the ledger, in order");
    WorldState.VersionedValue greeting = get(hosted.value(CHANNEL, "app", "greeting")).orElseThrow();
    assertEquals("hello", greeting.value().toStringUtf8());
    assertEquals(List.of(5L, 0L), List.of(greeting.blockNumber(), (long) greeting.txNumber()), "its version");
    assertEquals(Optional.empty(), get(hosted.value(CHANNEL, "app", "nobody")));
    assertEquals(5L, get(hosted.block(CHANNEL, 5)).orElseThrow().getHeader().getNumber());

    // A consumer that takes one block and then nothing while 30 more commit: it is not fed ahead,
    // and when it takes again it gets every block, in order, none lost.
    SinkQueueWithCancel<Block> slow = hosted.blocks(CHANNEL, 3).runWith(Sink.queue(1), app);
    assertEquals(3L, get(slow.pull()).orElseThrow().getHeader().getNumber());
    network.order(CHANNEL, 30);
    TestNetwork.awaitHeight(List.of(hosted), CHANNEL, 36, WITHIN);
    for (long n = 4; n < 36; n++) {
      assertEquals(n, get(slow.pull()).orElseThrow().getHeader().getNumber());
    }
    // Live: the next pull is answered when block 36 commits.
    CompletableFuture<Optional<Block>> live = slow.pull().toCompletableFuture();
    network.order(CHANNEL, 1);
    assertEquals(36L, get(live).orElseThrow().getHeader().getNumber());
    slow.cancel();

    ExecutionException unknown = assertThrows(ExecutionException.class,
        () -> get(hosted.blocks("nochannel", 0).runWith(Sink.head(), app)));
    assertInstanceOf(NoSuchElementException.class, unknown.getCause(), "a channel not joined fails the stream");
    assertInstanceOf(NoSuchElementException.class, assertThrows(ExecutionException.class,
        () -> get(hosted.value("nochannel", "app", "greeting"))).getCause());

    get(hosted.stop());
    assertFalse(app.getWhenTerminated().toCompletableFuture().isDone(), "the application's system goes on");
    assertTrue(LongStream.of(get(standalone.channelHeight(CHANNEL)).height()).allMatch(h -> h == 37));
  }

  @Test
  void theReadmesExampleIsThisCodeAndPrintsEveryCommittedBlock() throws Exception {
    String source = Files.readString(Path.of("src/test/java/io/hearsay/runtime/embedding/PrintBlocks.java"));
    String example = source.substring(source.indexOf("// README example: begin\n") + "// README example: begin\n".length(),
        source.indexOf("// README example: end"));
    String readme = Files.readString(Path.of("..", "README.md"));
    assertTrue(readme.contains("```java\n" + example + "```"), "README.md shows PrintBlocks as it compiles here");

    HearsayPeer standalone = network.startChannel(CHANNEL, 1).get(0);
    app = ActorSystem.create(Behaviors.empty(), "hearsay",
        HearsayPeer.actorSystemConfig(network.config(1, 1, List.of(standalone.endpoint()), Map.of())));
    HearsayPeer hosted = Hearsay.get(app).peer();
    hosted.joinChannel(network.genesis(CHANNEL));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintBlocks.print(hosted, CHANNEL, new PrintStream(printed, true, StandardCharsets.UTF_8));
    network.order(CHANNEL, 3);
    Eventually.await(WITHIN, Eventually.POLL_INTERVAL, "the example printed blocks 0 to 3", () -> printed.toString(StandardCharsets.UTF_8)
        .equals("block 0: 1 transaction(s)\nblock 1: 1 transaction(s)\nblock 2: 1 transaction(s)\n"
            + "block 3: 1 transaction(s)\n"), () -> printed.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aSystemNotNamedHearsayCannotHostAPeer() throws Exception {
    Config config = HearsayPeer.actorSystemConfig(network.config(1, 1, List.of(), Map.of()));
    app = ActorSystem.create(Behaviors.empty(), "shop", config);
    ConfigError refused = assertThrows(ConfigError.class, () -> HearsayPeer.host(app));
    assertTrue(refused.getMessage().contains("must be named \"hearsay\""), refused.getMessage());
  }
}
