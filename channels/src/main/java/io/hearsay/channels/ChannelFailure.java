package io.hearsay.channels;

import com.google.protobuf.ByteString;
import io.hearsay.channels.common.RejectionSink;
import io.hearsay.channels.election.Leadership;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * What a channel becomes when its ledger stopped (a journal failure, a store that cannot be
 * read): never silent. It stops publishing StateInfo (so its org stops taking it for a member that
 * can serve blocks), stops leading and delivering, refuses every message for the channel with
 * LEDGER_NOT_RUNNING, and reports itself failed, with the reason.
 */
final class ChannelFailure {

  private ChannelFailure() {}

  static Behavior<ChannelGossip.Command> stopped(ActorContext<ChannelGossip.Command> context, String channel,
      Terminated stopped, TimerScheduler<ChannelGossip.Command> timers, Leadership leadership, ChannelObserver observer,
      RejectionSink rejections) {
    String why = "its ledger stopped" + (stopped instanceof ChildFailed failed ? ": " + failed.getCause() : "");
    context.getLog().error("channel {} stopped: {}", channel, why);
    timers.cancelAll();
    leadership.changed(false);
    leadership.stopElection();
    observer.channelFailed(channel, why);
    return Behaviors.receive(ChannelGossip.Command.class)
        .onMessage(ChannelGossip.GetStatus.class, g -> {
          g.replyTo().tell(ChannelStatus.failed(channel, why));
          return Behaviors.same();
        })
        .onMessage(ChannelGossip.GetHeight.class, g -> {
          g.replyTo().tell(new ChannelLedger.Height(-1, ByteString.EMPTY));
          return Behaviors.same();
        })
        .onMessage(ChannelGossip.Inbound.class, in -> {
          rejections.reject(Rejection.of(RejectionReason.LEDGER_NOT_RUNNING, "%s for channel %s, whose ledger is not "
              + "running: %s", in.message().message().getContentCase(), channel, why), String.valueOf(in.from()));
          return Behaviors.same();
        })
        .onMessage(ChannelGossip.CommitBlock.class, c -> {
          rejections.reject(Rejection.of(RejectionReason.LEDGER_NOT_RUNNING, "block %d for channel %s, whose ledger is not "
              + "running", c.block().getHeader().getNumber(), channel), "the channel's source");
          return Behaviors.same();
        })
        .onAnyMessage(other -> Behaviors.same())
        .build();
  }
}
