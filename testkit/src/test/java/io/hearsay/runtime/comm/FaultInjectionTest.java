package io.hearsay.runtime.comm;

import static io.hearsay.testkit.TestNetwork.awaitViews;

import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Faults switched on and off on running peers. */
class FaultInjectionTest {

  private final TestNetwork network = new TestNetwork(1, 2);

  @AfterEach
  void stop() {
    network.close();
  }

  @Test
  void droppingEverythingToAPeerMakesUsDeadThereUntilTheFaultIsCleared() {
    HearsayPeer a = network.start(1, 0, List.of());
    HearsayPeer b = network.start(1, 1, List.of(a.endpoint()));
    awaitViews(List.of(a, b), Duration.ofSeconds(20), "both alive", pv -> pv.seesAlive(List.of(a, b)));

    a.setFaults(LinkFaults.none().dropAll(b.endpoint()));
    awaitViews(List.of(b), Duration.ofSeconds(10), "B sees A dead", pv -> pv.seesDead(List.of(a)));

    a.setFaults(LinkFaults.none().delay(b.endpoint(), Duration.ofMillis(100)));
    awaitViews(List.of(a, b), Duration.ofSeconds(20), "alive again through a delayed link",
        pv -> pv.seesAlive(List.of(a, b)));
  }
}
