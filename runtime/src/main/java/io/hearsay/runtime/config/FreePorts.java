package io.hearsay.runtime.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports for nodes whose addresses must be written down before they start (anchor
 * peers, config files of a local network).
 *
 * <p>A port obtained by binding port 0 and closing comes from the kernel's ephemeral range, so the
 * next node that binds port 0 may be handed the very same port before its owner binds it. Ports
 * here are drawn below the ephemeral range, which the kernel never hands out for port 0, and never
 * twice in one JVM.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A loopback port that is free now, outside the ephemeral range and not handed out before. */
  public static int next() {
    int below = ephemeralLow();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (HANDED_OUT.add(port)) {
        if (bindable(port)) {
          return port;
        }
      }
    }
    throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + below);
  }

  /**
   * The first of {@code count} consecutive loopback ports that are all free now, outside the
   * ephemeral range and not handed out before (for programs that place their ports at offsets
   * from a base, as Fabric's test network does).
   */
  public static int range(int count) {
    int below = ephemeralLow();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int first = ThreadLocalRandom.current().nextInt(LOWEST, below - count);
      synchronized (HANDED_OUT) {
        boolean free = true;
        for (int port = first; port < first + count && free; port++) {
          free = !HANDED_OUT.contains(port) && bindable(port);
        }
        if (free) {
          for (int port = first; port < first + count; port++) {
            HANDED_OUT.add(port);
          }
          return first;
        }
      }
    }
    throw new IllegalStateException("no " + count + " free consecutive loopback ports between " + LOWEST + " and " + below);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of Linux's ephemeral range; IANA's 49152 elsewhere. */
  static int ephemeralLow() {
    try {
      // A sysctl file answers only a read from its start. Files.readString sizes its first read by
      // the file's size, which /proc reports as 0, so it got "3" of "32768 60999" (and the ports
      // came from up to 49152, inside the range); one buffered read takes the line whole.
      String range;
      try (var reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
        range = reader.readLine().trim();
      }
      int low = Integer.parseInt(range.split("\\s+")[0]);
      return low > LOWEST + 1000 ? low : 49_152;
    } catch (IOException | RuntimeException e) {
      return 49_152;
    }
  }
}
