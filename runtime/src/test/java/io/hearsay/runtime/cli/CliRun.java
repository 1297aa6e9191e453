package io.hearsay.runtime.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code hearsay} command line in-process and keeps what it printed. */
final class CliRun {

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  /** Runs {@code hearsay ARGS}; returns the exit code. */
  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = HearsayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }
}
