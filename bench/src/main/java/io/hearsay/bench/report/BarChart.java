package io.hearsay.bench.report;

import java.util.List;
import java.util.Locale;

/** A horizontal bar chart as a standalone SVG, so results can be looked at without a plotting tool. */
public final class BarChart {

  /** One bar: its label, its value and the text printed after it. */
  public record Bar(String label, double value, String annotation) {}

  private static final int LABEL_WIDTH = 260;
  private static final int BAR_AREA = 420;
  private static final int ROW = 28;

  private BarChart() {}

  public static String svg(String title, List<Bar> bars) {
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
    int height = 50 + bars.size() * ROW;
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
            + " font-size=\"13\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
            + "<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
        LABEL_WIDTH + BAR_AREA + 160, height, escape(title)));
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      int y = 40 + i * ROW;
      int width = (int) Math.max(1, Math.round(BAR_AREA * bar.value() / max));
      svg.append(String.format(Locale.ROOT,
          "<text x=\"10\" y=\"%d\">%s</text>%n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#4a78b5\"/>%n"
              + "<text x=\"%d\" y=\"%d\">%s</text>%n",
          y + 14, escape(bar.label()), LABEL_WIDTH, y, width, LABEL_WIDTH + width + 6, y + 14,
          escape(bar.annotation())));
    }
    return svg.append("</svg>\n").toString();
  }

  /** Text made safe inside SVG markup (shared by the charts). */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
