package io.hearsay.bench.report;

import java.util.HashMap;
import java.util.Map;

/** A benchmark's command line: {@code --name value} pairs over defaults; a {@code --flag} without value is "true". */
public final class Options {

  private Options() {}

  public static Map<String, String> parse(String[] args, Map<String, String> defaults) {
    Map<String, String> options = new HashMap<>(defaults);
    for (int i = 0; i < args.length; i++) {
      boolean valued = i + 1 < args.length && !args[i + 1].startsWith("--");
      options.put(args[i], valued ? args[++i] : "true");
    }
    return options;
  }
}
