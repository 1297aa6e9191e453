package io.hearsay.bench.report;

import io.hearsay.runtime.admin.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A report's JSON document, written by Jackson (maps keep their insertion order, records their components'). */
public final class JsonFile {

  private JsonFile() {}

  /** {@code value} as one JSON document and a newline; the text written is returned (for {@code --json}). */
  public static String write(Path file, Object value) throws IOException {
    String text = Json.write(value) + "\n";
    Files.writeString(file, text);
    return text;
  }

  /** {@code value} rounded to {@code decimals} places, as the report prints it. */
  public static double round(double value, int decimals) {
    if (Double.isInfinite(value) || Double.isNaN(value)) {
      return value;
    }
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
