package pcam.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks. Each reports throughput as a ratio against a baseline measured in the same run.",
    subcommands = {BenchAllCommand.class, BenchTrainCommand.class, BenchPredictCommand.class, BenchSoakCommand.class,
        BenchSlideCommand.class, BenchMemoryCommand.class, BenchStoreCommand.class, BenchOpsCommand.class})
public final class BenchCommand implements Runnable {
  @Spec private CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
