package io.hearsay.runtime.deliver;

import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.election.Delivery;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.config.Endpoint;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;

/**
 * The leader's deliver client for one channel (Fabric's deliverservice / blocksprovider):
 *
 * <pre>
 * open AtomicBroadcast.Deliver at one of the channel's orderer endpoints (channel group
 *   OrdererAddresses, else the orderer orgs' Endpoints), trusting the orderer orgs' TLS CAs, with
 *   a SeekInfo signed by this peer: from the ledger height to the end, BLOCK_UNTIL_READY
 * each block at the expected number goes to the channel, which verifies it (orderer signatures,
 *   hash chain) before it commits, then pushes it; a block already had is skipped; a gap fails
 * the stream fails when it ends, when the orderer answers a Status (NOT_FOUND, FORBIDDEN,
 *   SERVICE_UNAVAILABLE, ...: logged and counted), or when its connection is not up within
 *   connTimeout; then the next orderer is tried after a backoff doubling from 100 ms up to
 *   reconnectBackoffThreshold, reset by the next block
 * after reconnectTotalTimeThreshold of failures the channel is told the ordering service is
 *   unreachable (an elected leader yields), and the client goes on trying
 * </pre>
 */
public final class DeliverClient {

  public sealed interface Command permits InternalCommand {}

  private sealed interface InternalCommand extends Command permits HeightKnown, Response, Ended, ConnectCheck,
      Attempt, SourceRefused {}

  private record HeightKnown(ChannelLedger.Height height) implements InternalCommand {}

  /** A response on the stream of attempt {@code attempt}. */
  private record Response(int attempt, DeliverResponse response) implements InternalCommand {}

  private record Ended(int attempt, String why) implements InternalCommand {}

  /** connTimeout after attempt {@code attempt} opened its stream. */
  private record ConnectCheck(int attempt) implements InternalCommand {}

  /** The channel refused a block this client handed on. */
  private record SourceRefused(Delivery.Refused refused) implements InternalCommand {}

  /** The backoff is over: the next attempt. */
  private enum Attempt implements InternalCommand { INSTANCE }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ChannelConfig config;
  private final SigningIdentity signer;
  private final DeliveryClientSettings settings;
  private final Delivery channel;
  private final DeliverStreams streams;
  private final DeliverObserver observer;
  private final List<Endpoint> orderers;
  private final List<X509Certificate> ordererCas;
  private final ActorRef<Delivery.Refused> refusals;
  private int ordererIndex = -1;
  private int attempt;
  private DeliverStreams.Stream stream;
  private boolean heardThisAttempt;
  private long next = -1;
  private int failures;
  private long failingSince = -1;

  private DeliverClient(ActorContext<Command> context, TimerScheduler<Command> timers, ChannelConfig config,
      SigningIdentity signer, DeliveryClientSettings settings, Delivery channel, DeliverStreams streams,
      DeliverObserver observer) {
    this.context = context;
    this.timers = timers;
    this.config = config;
    this.signer = signer;
    this.settings = settings;
    this.channel = channel;
    this.streams = streams;
    this.observer = observer;
    this.orderers = config.ordering().ordererAddresses().stream().flatMap(a -> Endpoint.parse(a).stream()).toList();
    this.ordererCas = config.ordererTlsCas();
    this.refusals = context.messageAdapter(Delivery.Refused.class, SourceRefused::new);
    context.setLoggerName(DeliverClient.class);
  }

  /** The deliver client of the channel {@code config} defines, opening its streams through {@code streams}. */
  public static Behavior<Command> create(ChannelConfig config, SigningIdentity signer, DeliveryClientSettings settings,
      Delivery channel, DeliverStreams streams, DeliverObserver observer) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      DeliverClient client = new DeliverClient(context, timers, config, signer, settings, channel, streams, observer);
      if (client.orderers.isEmpty()) {
        context.getLog().warn("channel {}: its config names no orderer address; this leader delivers nothing",
            config.channelId());
        return Behaviors.ignore();
      }
      channel.askHeight(context.messageAdapter(ChannelLedger.Height.class, HeightKnown::new));
      return client.behavior();
    }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(HeightKnown.class, h -> {
          next = h.height().height();
          connect();
          return Behaviors.same();
        })
        .onMessage(Response.class, r -> {
          if (r.attempt() == attempt) {
            onResponse(r.response());
          }
          return Behaviors.same();
        })
        .onMessage(Ended.class, e -> {
          if (e.attempt() == attempt) {
            failed(e.why());
          }
          return Behaviors.same();
        })
        .onMessage(ConnectCheck.class, c -> {
          if (c.attempt() == attempt && stream != null && !heardThisAttempt && !stream.connected()) {
            failed("not connected within " + settings.connTimeout());
          } else if (c.attempt() == attempt && stream != null) {
            observer.deliverConnected(config.channelId());
          }
          return Behaviors.same();
        })
        .onMessage(SourceRefused.class, r -> {
          onRefused(r.refused());
          return Behaviors.same();
        })
        .onMessage(Attempt.class, a -> {
          connect();
          return Behaviors.same();
        })
        .onSignal(PostStop.class, s -> {
          observer.deliverStopped(config.channelId());
          closeStream();
          return Behaviors.same();
        })
        .build();
  }

  private void onResponse(DeliverResponse response) {
    heardThisAttempt = true;
    if (!response.hasBlock()) {
      context.getLog().warn("channel {}: orderer {} ended the deliver stream with {}", config.channelId(),
          orderers.get(ordererIndex), response.getStatus());
      observer.deliverRefused(config.channelId(), response.getStatus());
      failed("status " + response.getStatus());
      return;
    }
    long number = response.getBlock().getHeader().getNumber();
    if (number < next) {
      return;
    }
    if (number > next) {
      failed("block " + number + " arrived where block " + next + " was expected");
      return;
    }
    channel.deliver(response.getBlock(), refusals);
    next++;
    if (failures > 0 || failingSince >= 0) {
      observer.deliverConnected(config.channelId());
    }
    failures = 0;
    failingSince = -1;
  }

  /**
   * A block from the current orderer did not verify: as Fabric's deliver client, leave that
   * orderer and ask again from the refused block, so no later block waits behind a gap.
   */
  private void onRefused(Delivery.Refused refused) {
    if (refused.number() >= next) {
      return;
    }
    observer.deliverBlockRefused(config.channelId());
    next = refused.number();
    failed("block " + refused.number() + " does not verify: " + refused.rejection());
  }

  private void failed(String why) {
    closeStream();
    failures++;
    long now = System.nanoTime();
    if (failingSince < 0) {
      failingSince = now;
    } else if (now - failingSince >= settings.reconnectTotalTimeThreshold().toNanos()) {
      context.getLog().warn("channel {}: no orderer reachable for {}; telling the channel", config.channelId(),
          settings.reconnectTotalTimeThreshold());
      failingSince = now;
      channel.ordererUnreachable();
    }
    Duration backoff = settings.backoff(failures);
    context.getLog().info("channel {}: deliver stream from {} failed ({}); next attempt in {} ms", config.channelId(),
        orderers.get(ordererIndex), why, backoff.toMillis());
    observer.deliverReconnecting(config.channelId());
    timers.startSingleTimer(Attempt.INSTANCE, backoff);
  }

  private void connect() {
    closeStream();
    ordererIndex = (ordererIndex + 1) % orderers.size();
    Endpoint orderer = orderers.get(ordererIndex);
    int current = ++attempt;
    heardThisAttempt = false;
    SeekInfo seek = SeekInfo.newBuilder()
        .setStart(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(next)))
        .setStop(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(Long.MAX_VALUE)))
        .setBehavior(SeekInfo.SeekBehavior.BLOCK_UNTIL_READY)
        .build();
    var request = CommonEnvelopes.sign(signer, config.channelId(), HeaderType.DELIVER_SEEK_INFO, seek.toByteString(),
        CommonEnvelopes.nonce(), streams.clientCertificateHash());
    ActorRef<Command> self = context.getSelf();
    stream = streams.open(orderer, ordererCas, request, new DeliverStreams.Listener() {
      @Override
      public void onResponse(DeliverResponse response) {
        self.tell(new Response(current, response));
      }

      @Override
      public void onEnd(String why) {
        self.tell(new Ended(current, why));
      }
    });
    timers.startSingleTimer(ConnectCheck.class, new ConnectCheck(current), settings.connTimeout());
    context.getLog().info("channel {}: delivering from orderer {} at block {}", config.channelId(), orderer, next);
  }

  private void closeStream() {
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }
}
