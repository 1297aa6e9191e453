package io.hearsay.runtime.orderer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.channels.StatusCollector;
import io.hearsay.runtime.comm.RejectionLog;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekPosition;

/**
 * The ordering service of an orderer node, Fabric's AtomicBroadcast over Artery: it takes
 * broadcast and deliver frames from clients, refuses what it cannot parse (BAD_REQUEST) or what
 * names a channel it does not serve (NOT_FOUND), and hands the rest to the channel's
 * {@link OrdererChannel}, which checks signatures and authorisation.
 */
public final class OrderingService {

  public sealed interface Command permits OrdererFrame, GetChannels {}

  /** The height and tip of every channel this orderer serves. */
  public record GetChannels(ActorRef<List<ChannelStatus>> replyTo) implements Command {}

  /** What the ordering service is started with. */
  public record Setup(SigningIdentity orderer, List<Block> genesisBlocks, LedgerSettings ledger, RejectionLog rejections,
      Duration ledgerTimeout, Duration statusTimeout) {}

  private final ActorContext<Command> context;
  private final Setup setup;
  private final Map<String, ActorRef<OrdererChannel.Command>> channels = new HashMap<>();

  private OrderingService(ActorContext<Command> context, Setup setup) {
    this.context = context;
    this.setup = setup;
    context.setLoggerName(OrderingService.class);
  }

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> {
      OrderingService service = new OrderingService(context, setup);
      for (Block genesis : setup.genesisBlocks()) {
        service.serve(genesis);
      }
      return Behaviors.receive(Command.class)
          .onMessage(OrdererFrame.class, service::onFrame)
          .onMessage(GetChannels.class, g -> {
            List<Consumer<ActorRef<ChannelStatus>>> askers = service.channels.values().stream()
                .map(c -> (Consumer<ActorRef<ChannelStatus>>) replyTo -> c.tell(new OrdererChannel.GetStatus(replyTo)))
                .toList();
            context.spawnAnonymous(StatusCollector.create(askers, List.of(), setup.statusTimeout(), g.replyTo()));
            return Behaviors.same();
          })
          .build();
    });
  }

  private void serve(Block genesis) throws IOException {
    ChannelConfig config = ChannelConfig.of(genesis);
    Behavior<ChannelLedger.Command> ledger = ChannelLedger.create(setup.ledger(), config.channelId());
    channels.put(config.channelId(), context.spawn(OrdererChannel.create(genesis, setup.orderer(), ledger,
        setup.rejections(), setup.ledgerTimeout()), "channel-" + config.channelId()));
    context.getLog().info("ordering channel {} ({} transactions or {} ms per block)", config.channelId(),
        config.ordering().maxMessageCount(), config.ordering().batchTimeout().toMillis());
  }

  private Behavior<Command> onFrame(OrdererFrame frame) {
    if (frame.replyTo() == null) {
      return Behaviors.same();
    }
    switch (frame.kind()) {
      case BROADCAST -> request(frame, true);
      case DELIVER -> request(frame, false);
      case DELIVER_ACK -> {
        try {
          long number = SeekPosition.parseFrom(frame.bytes()).getSpecified().getNumber();
          channels.values().forEach(c -> c.tell(new OrdererChannel.Ack(frame.replyTo(), number)));
        } catch (InvalidProtocolBufferException e) {
          refuse(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "deliver ack is not a SeekPosition"), frame);
        }
      }
      default -> refuse(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "%s is not a request", frame.kind()), frame);
    }
    return Behaviors.same();
  }

  private void request(OrdererFrame frame, boolean broadcast) {
    Envelope envelope;
    try {
      envelope = Envelope.parseFrom(frame.bytes());
    } catch (InvalidProtocolBufferException e) {
      answer(frame, broadcast, Status.BAD_REQUEST, Rejection.of(RejectionReason.MALFORMED_ENVELOPE,
          "not a common.Envelope: %s", e.getMessage()));
      return;
    }
    Verdict<ChannelHeader> header = CommonEnvelopes.channelHeader(envelope);
    if (!header.isAccepted()) {
      answer(frame, broadcast, Status.BAD_REQUEST, header.rejection());
      return;
    }
    String channel = header.value().getChannelId();
    ActorRef<OrdererChannel.Command> target = channels.get(channel);
    if (target == null) {
      answer(frame, broadcast, Status.NOT_FOUND, Rejection.of(RejectionReason.NOT_IN_CHANNEL,
          "channel \"%s\" is not served by this orderer", channel));
      return;
    }
    target.tell(broadcast ? new OrdererChannel.Broadcast(envelope, frame.replyTo())
        : new OrdererChannel.Deliver(envelope, frame.replyTo()));
  }

  private void answer(OrdererFrame frame, boolean broadcast, Status status, Rejection rejection) {
    refuse(rejection, frame);
    frame.replyTo().tell(broadcast ? OrdererReplies.broadcast(status, rejection.toString())
        : OrdererReplies.deliverStatus(status));
  }

  private void refuse(Rejection rejection, OrdererFrame frame) {
    setup.rejections().record(rejection, frame.replyTo().path().address().toString(), System.nanoTime());
  }
}
