package io.hearsay.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** One JMH benchmark class run the way every report runs it: one fork, short with {@code --quick}. */
public final class JmhRuns {

  private JmhRuns() {}

  /** Each benchmark method's score and error, by method name, in the order JMH ran them. */
  public static Map<String, double[]> run(Class<?> benchmark, boolean quick, String heap) throws RunnerException {
    var options = new OptionsBuilder()
        .include(benchmark.getName() + ".")
        .forks(1)
        .warmupIterations(quick ? 2 : 3)
        .warmupTime(TimeValue.seconds(quick ? 1 : 2))
        .measurementIterations(quick ? 3 : 5)
        .measurementTime(TimeValue.seconds(quick ? 1 : 2))
        .jvmArgs(heap)
        .build();
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (RunResult result : new Runner(options).run()) {
      String name = result.getParams().getBenchmark();
      scores.put(name.substring(name.lastIndexOf('.') + 1),
          new double[] {result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError()});
    }
    return scores;
  }
}
