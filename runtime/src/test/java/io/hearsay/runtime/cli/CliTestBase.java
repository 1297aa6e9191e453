package io.hearsay.runtime.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Base of the command-line tests: runs {@code hearsay} in-process and keeps what it printed. */
abstract class CliTestBase {

  @TempDir
  Path tmp;

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
