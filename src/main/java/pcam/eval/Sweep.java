package pcam.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.run.RunDirectory;
import pcam.util.Json;

/**
 * Runs every cell of a {@link SweepGrid} as a normal run directory {@code SWEEPDIR/<cell name>},
 * then writes the comparison ({@link SweepReport}). Resumable: a cell whose run finished
 * (metrics.json and model/) is skipped, one with a last checkpoint is resumed, and a cell that
 * died before its first checkpoint is started again.
 */
public final class Sweep {
  private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);
  static final String CELL_FILE = "sweep-cell.json";

  /** Trains one cell into {@code runDir}: fresh with the cell's params, or resumed from its last checkpoint. */
  @FunctionalInterface
  public interface CellRunner {
    void run(SweepGrid.Cell cell, Path runDir, boolean resume);
  }

  /** One finished run: its params, best validation numbers, epochs trained and wall time. */
  public record Row(SweepGrid.Cell cell, Path runDir, double bestAuc, double bestAccuracy, int bestEpoch, int epochs, double seconds, boolean skipped) {}

  private Sweep() {}

  public static List<Row> run(SweepGrid grid, Path sweepDir, CellRunner runner) {
    List<SweepGrid.Cell> cells = grid.cells();
    List<Row> rows = new ArrayList<>();
    int index = 0;
    for (SweepGrid.Cell cell : cells) {
      index++;
      Path runDir = sweepDir.resolve(cell.name());
      RunDirectory dir = RunDirectory.at(runDir);
      boolean skipped = dir.isFinished();
      if (skipped) {
        LOG.info("sweep {}/{} {}: finished before, skipped", index, cells.size(), cell.name());
      } else {
        // A cell that saved its config resumes (from epoch 1 if it died before its first checkpoint);
        // one killed even earlier holds only pcam's marker, which a new run accepts. Nothing is deleted.
        boolean resume = dir.isResumable();
        LOG.info("sweep {}/{} {}: {}", index, cells.size(), cell.name(), resume ? "resuming" : "training");
        long start = System.nanoTime();
        runner.run(cell, runDir, resume);
        if (!dir.isFinished()) {
          throw new IllegalStateException(runDir + ": the run ended without metrics.json and model/ (interrupted?); run the sweep again to resume it");
        }
        double seconds = (System.nanoTime() - start) / 1e9; // a resumed cell counts only its last session
        Json.write(runDir.resolve(CELL_FILE), Map.of("seconds", seconds));
      }
      rows.add(row(cell, runDir, skipped));
      RunReport.write(runDir);
    }
    SweepReport.write(grid, rows, sweepDir);
    return rows;
  }

  private static Row row(SweepGrid.Cell cell, Path runDir, boolean skipped) {
    EvaluationMetrics metrics = EvaluationMetrics.read(RunDirectory.at(runDir).metrics());
    Path historyFile = RunDirectory.at(runDir).history();
    int epochs = Files.exists(historyFile) ? History.read(historyFile).epochs() : 0;
    return new Row(cell, runDir, metrics.auc(), metrics.accuracy(),
        metrics.epoch() == null ? 0 : metrics.epoch(), epochs, previousSeconds(runDir), skipped);
  }

  private static double previousSeconds(Path runDir) {
    Path file = runDir.resolve(CELL_FILE);
    return Files.exists(file) ? readJson(file).path("seconds").asDouble(0) : 0;
  }

  private static JsonNode readJson(Path file) {
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
