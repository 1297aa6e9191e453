package io.hearsay.bench.report;

/**
 * A thread that keeps a fraction of one core busy, to see how a run that the machine barely
 * carries holds on a slower or shared machine: of every 10 ms it spins {@code fraction} and
 * sleeps the rest. Started by a report's {@code --busy} option; closing it stops the thread.
 */
public final class BusyCore implements AutoCloseable {

  private static final long PERIOD_NANOS = 10_000_000;

  private final Thread thread;
  private volatile boolean running = true;

  public BusyCore(double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("--busy must be a fraction of one core, 0 to 1: " + fraction);
    }
    long spin = (long) (PERIOD_NANOS * fraction);
    thread = new Thread(() -> {
      while (running) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < spin) {
          Thread.onSpinWait();
        }
        long rest = PERIOD_NANOS - (System.nanoTime() - start);
        if (rest > 0) {
          try {
            Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }, "busy-core");
    thread.setDaemon(true);
    if (fraction > 0) {
      thread.start();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
