package io.hearsay.runtime.admin;

import io.hearsay.channels.ChannelObserver;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.runtime.comm.DroppedMessages;
import io.hearsay.runtime.comm.MessageCounts;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.deliver.DeliverObserver;
import io.hearsay.runtime.deliver.DeliveryHealth;
import io.hearsay.runtime.membership.MembershipView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.ToLongBiFunction;
import org.hyperledger.fabric.protos.common.Status;

/**
 * One node's metrics in a Micrometer Prometheus registry: messages sent, received, dropped by the
 * transport and rejected (per type and reason, read from comm's counters when scraped), blocks committed and ledger
 * append latency per channel, membership size, leadership and leader changes per channel.
 */
public final class NodeMetrics implements ChannelObserver, DeliverObserver {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MessageCounts received;
  private final MessageCounts sent;
  private final DroppedMessages dropped;
  private final AtomicInteger alive = new AtomicInteger();
  private final AtomicInteger dead = new AtomicInteger();
  private final Map<String, AtomicInteger> leader = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failedChannels = new ConcurrentHashMap<>();
  private Supplier<? extends Collection<?>> repairs;
  private final DeliveryHealth delivery = new DeliveryHealth();
  private final DeliverObserver deliveryHealth = delivery.observer();
  /** Counters registered per name, tags and key: registering one twice makes Micrometer warn. */
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  public NodeMetrics(MessageCounts received, MessageCounts sent, DroppedMessages dropped, RejectionLog rejections) {
    this.received = received;
    this.sent = sent;
    this.dropped = dropped;
    for (RejectionReason reason : RejectionReason.values()) {
      FunctionCounter.builder("hearsay.messages.rejected", rejections, r -> r.counts().getOrDefault(reason, 0L))
          .description("Inbound messages and requests refused, per reason")
          .tag("reason", reason.name()).register(registry);
    }
    FunctionCounter.builder("hearsay.messages.unverifiable", rejections, RejectionLog::unverifiable)
        .description("Inbound messages naming an author whose identity was not known yet (not checked, not taken)")
        .register(registry);
    Gauge.builder("hearsay.membership.alive", alive, AtomicInteger::get)
        .description("Peers this node believes alive").register(registry);
    Gauge.builder("hearsay.membership.dead", dead, AtomicInteger::get)
        .description("Peers this node believes dead").register(registry);
  }

  /** The membership view changed. */
  public void membership(MembershipView view) {
    alive.set(view.alive().size());
    dead.set(view.dead().size());
  }

  @Override
  public void blocksCommitted(String channel, int count, long appendNanos) {
    Counter.builder("hearsay.blocks.committed").tag("channel", channel)
        .description("Blocks committed to the channel's ledger").register(registry).increment(count);
    Timer.builder("hearsay.ledger.append").tag("channel", channel)
        .description("Time to append a run of blocks to the ledger (durable)").register(registry)
        .record(Duration.ofNanos(appendNanos));
  }

  @Override
  public void channelFailed(String channel, String why) {
    failedChannels.computeIfAbsent(channel, c -> {
      AtomicInteger flag = new AtomicInteger();
      Gauge.builder("hearsay.channel.failed", flag, AtomicInteger::get).tag("channel", c)
          .description("1 when the channel does not run at this peer (its ledger stopped or cannot open)")
          .register(registry);
      return flag;
    }).set(1);
  }

  /** Counts the ledger repairs made opening this node's channel ledgers (what {@code repairs} returns). */
  public void ledgerRepairs(Supplier<? extends Collection<?>> repairs) {
    // Micrometer holds a function counter's object weakly: without this reference the supplier
    // could be collected and the counter read 0.
    this.repairs = repairs;
    FunctionCounter.builder("hearsay.ledger.repairs", repairs, r -> r.get().size())
        .description("Channel ledgers whose damaged block files were repaired on open (the rest moved into quarantine)")
        .register(registry);
  }

  @Override
  public void deliverRefused(String channel, Status status) {
    Counter.builder("hearsay.deliver.refusals").tag("channel", channel).tag("status", status.name())
        .description("Deliver streams an orderer ended with a Status (NOT_FOUND, FORBIDDEN, SERVICE_UNAVAILABLE, ...)")
        .register(registry).increment();
  }

  @Override
  public void deliverBlockRefused(String channel) {
    Counter.builder("hearsay.deliver.blocks.refused").tag("channel", channel)
        .description("Blocks from an orderer that did not verify (the deliver client then left that orderer)")
        .register(registry).increment();
  }

  @Override
  public void deliverReconnecting(String channel) {
    Counter.builder("hearsay.deliver.reconnects").tag("channel", channel)
        .description("Deliver streams that failed and were tried again").register(registry).increment();
    deliveryHealth.deliverReconnecting(channel);
  }

  @Override
  public void deliverConnected(String channel) {
    deliveryHealth.deliverConnected(channel);
  }

  @Override
  public void deliverStopped(String channel) {
    deliveryHealth.deliverStopped(channel);
  }

  /** Since when each channel's deliver client has reached no orderer (for the health checks). */
  public DeliveryHealth delivery() {
    return delivery;
  }

  @Override
  public void blockBeyondBuffer(String channel) {
    Counter.builder("hearsay.blocks.dropped").tag("channel", channel).tag("reason", "BEYOND_REORDER_BUFFER")
        .description("Blocks from gossip not kept (state transfer fetches them later)").register(registry).increment();
  }

  @Override
  public void leadershipChanged(String channel, boolean isLeader) {
    leader.computeIfAbsent(channel, c -> {
      AtomicInteger flag = new AtomicInteger();
      Gauge.builder("hearsay.leader", flag, AtomicInteger::get).tag("channel", c)
          .description("1 when this peer is its org's leader for the channel").register(registry);
      return flag;
    }).set(isLeader ? 1 : 0);
    Counter.builder("hearsay.leader.changes").tag("channel", channel)
        .description("Times this peer became or stopped being leader").register(registry).increment();
  }

  /** Messages dropped so far (every reason), per content type and channel. */
  public Map<String, Long> dropped() {
    return dropped.snapshot();
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    register("hearsay.messages.received", received, "Verified messages received, per type and channel", Tags.empty(),
        MessageCounts::count);
    register("hearsay.messages.sent", sent, "Messages sent, per type and channel", Tags.empty(), MessageCounts::count);
    register("hearsay.messages.received.bytes", received, "Envelope bytes of verified messages received, per type "
        + "and channel", Tags.empty(), MessageCounts::bytes);
    register("hearsay.messages.sent.bytes", sent, "Envelope bytes of messages sent, per type and channel", Tags.empty(),
        MessageCounts::bytes);
    for (DroppedMessages.Reason reason : DroppedMessages.Reason.values()) {
      register("hearsay.messages.dropped", dropped.of(reason), "Messages not sent, per reason, type and channel",
          Tags.of("reason", reason.name()), MessageCounts::count);
    }
    return registry.scrape();
  }

  /** Message types appear as they are first seen; each gets its counter once. */
  private void register(String name, MessageCounts counts, String description, Tags tags,
      ToLongBiFunction<MessageCounts, String> value) {
    for (String key : counts.snapshot().keySet()) {
      if (!registered.add(name + "|" + tags + "|" + key)) {
        continue;
      }
      int at = key.indexOf('@');
      FunctionCounter.builder(name, counts, c -> value.applyAsLong(c, key))
          .description(description)
          .tags(tags)
          .tag("type", at < 0 ? key : key.substring(0, at))
          .tag("channel", at < 0 ? "" : key.substring(at + 1))
          .register(registry);
    }
  }
}
