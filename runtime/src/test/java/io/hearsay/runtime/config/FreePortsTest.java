package io.hearsay.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /** The kernel's ephemeral range as the shell reads it: every line, every byte. */
  private static int kernelEphemeralLow() throws IOException {
    return Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
  }

  @Test
  void theEphemeralRangeIsReadWholeFromTheKernel() throws IOException {
    assumeTrue(Files.isReadable(RANGE), "no " + RANGE + " on this machine");
    int low = kernelEphemeralLow();
    assumeTrue(low > 11_000, "the ephemeral range starts at " + low + ", too low to draw below it");
    assertEquals(low, FreePorts.ephemeralLow());
  }

  @Test
  void portsAreBelowTheEphemeralRangeBindableAndNeverTwice() throws IOException {
    int below = FreePorts.ephemeralLow();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = FreePorts.next();
      assertTrue(port >= 10_000 && port < below, port + " outside [10000, " + below + ")");
      assertTrue(seen.add(port), port + " handed out twice");
    }
    int first = FreePorts.range(5);
    for (int port = first; port < first + 5; port++) {
      assertTrue(port < below && !seen.contains(port), port + " of a range is in use or handed out");
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(port, socket.getLocalPort());
      }
    }
  }
}
