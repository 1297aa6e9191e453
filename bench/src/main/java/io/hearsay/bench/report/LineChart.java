package io.hearsay.bench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Lines over a logarithmic x axis as a standalone SVG: cumulative distributions of times that
 * span milliseconds to seconds, and curves that shrink by orders of magnitude.
 */
public final class LineChart {

  /** One line: its name and its points (x must be positive). */
  public record Series(String name, List<double[]> points) {

    /** The cumulative distribution of {@code values} (times of at least 1, for the log axis). */
    public static Series cdf(String name, double[] values) {
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      List<double[]> points = new ArrayList<>();
      for (int i = 0; i < sorted.length; i++) {
        points.add(new double[] {Math.max(1, sorted[i]), (i + 1) / (double) sorted.length});
      }
      return new Series(name, points);
    }
  }

  private static final String[] COLOURS = {"#4a78b5", "#d0633a", "#3a9a5b", "#8e5bb5", "#b5a33a", "#555555"};
  private static final int LEFT = 70;
  private static final int TOP = 40;
  private static final int WIDTH = 560;
  private static final int HEIGHT = 320;

  private LineChart() {}

  public static String svg(String title, String xLabel, String yLabel, List<Series> series) {
    double minX = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[0]).filter(x -> x > 0).min().orElse(1);
    double maxX = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[0]).max().orElse(10);
    double maxY = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(1);
    double lo = Math.floor(Math.log10(minX));
    double hi = Math.max(lo + 1, Math.ceil(Math.log10(maxX)));
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n"
            + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
            + "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
        LEFT + WIDTH + 220, TOP + HEIGHT + 50, BarChart.escape(title)));
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
        LEFT, TOP, WIDTH, HEIGHT));
    for (double decade = lo; decade <= hi; decade++) {
      double x = LEFT + WIDTH * (decade - lo) / (hi - lo);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n"
          + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, TOP, x, TOP + HEIGHT, x, TOP + HEIGHT + 16,
          number(Math.pow(10, decade))));
    }
    for (int tick = 0; tick <= 4; tick++) {
      double y = TOP + HEIGHT - HEIGHT * tick / 4.0;
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4,
          number(maxY * tick / 4)));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n"
        + "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n",
        LEFT + WIDTH / 2, TOP + HEIGHT + 36, BarChart.escape(xLabel), TOP + HEIGHT / 2, TOP + HEIGHT / 2, BarChart.escape(yLabel)));
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String colour = COLOURS[i % COLOURS.length];
      StringBuilder points = new StringBuilder();
      for (double[] p : s.points()) {
        double x = LEFT + WIDTH * (Math.log10(Math.max(p[0], minX)) - lo) / (hi - lo);
        double y = TOP + HEIGHT - HEIGHT * p[1] / maxY;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n"
          + "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>%n<text x=\"%d\" y=\"%d\">%s</text>%n",
          colour, points.toString().trim(), LEFT + WIDTH + 16, TOP + 10 + i * 20, colour, LEFT + WIDTH + 36,
          TOP + 15 + i * 20, BarChart.escape(s.name())));
    }
    return svg.append("</svg>\n").toString();
  }

  private static String number(double value) {
    return value >= 1 && value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.2g", value);
  }
}
