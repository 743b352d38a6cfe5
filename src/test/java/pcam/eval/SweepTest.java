package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
  private static final SweepGrid GRID = SweepGrid.parse(List.of("optimizer=sgd,adam", "crop=96,48"));

  /** Stands in for training: writes what a finished run leaves, with an AUC derived from the params. */
  private static final class FakeTrainer implements Sweep.CellRunner {
    final List<String> calls = new ArrayList<>();

    @Override
    public void run(SweepGrid.Cell cell, Path runDir, boolean resume) {
      calls.add(cell.name() + (resume ? " resume" : ""));
      try {
        Files.createDirectories(runDir.resolve("model"));
        Files.writeString(runDir.resolve("model/saved_model.pb"), "x");
        double auc = 0.5 + Integer.parseInt(cell.get("crop")) / 400.0 + (cell.get("optimizer").equals("adam") ? 0.1 : 0);
        Files.writeString(runDir.resolve("metrics.json"),
            "{\"epoch\":2,\"auc\":" + auc + ",\"accuracy\":0.7,\"loss\":0.5,\"n\":10,\"confusion\":{\"tn\":4,\"fp\":1,\"fn\":2,\"tp\":3},\"threshold\":0.5}");
        Files.writeString(runDir.resolve("history.csv"),
            "epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_auc,lr,img_per_s\n1,0.7,0.5,0.69,0.55,0.6,0.001,200\n2,0.6,0.6,0.62,0.65,0.7,0.001,210\n");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void runsEveryCellThenSkipsFinishedOnes(@TempDir Path sweep) throws Exception {
    FakeTrainer trainer = new FakeTrainer();
    List<Sweep.Row> first = Sweep.run(GRID, sweep, trainer);
    assertThat(trainer.calls).containsExactly("optimizer=sgd_crop=96", "optimizer=sgd_crop=48", "optimizer=adam_crop=96", "optimizer=adam_crop=48");
    assertThat(first).extracting(Sweep.Row::skipped).containsOnly(false);
    assertThat(first.get(2).bestAuc()).isEqualTo(0.84);

    trainer.calls.clear();
    List<Sweep.Row> second = Sweep.run(GRID, sweep, trainer);
    assertThat(trainer.calls).isEmpty();
    assertThat(second).extracting(Sweep.Row::skipped).containsOnly(true);
    assertThat(second).extracting(Sweep.Row::bestAuc).containsExactlyElementsOf(first.stream().map(Sweep.Row::bestAuc).toList());
  }

  @Test
  void interruptedRunsAreResumedEvenWithoutACheckpointAndNothingIsDeleted(@TempDir Path sweep) throws Exception {
    Path interrupted = sweep.resolve("optimizer=sgd_crop=48");
    Files.createDirectories(interrupted.resolve("checkpoints/last"));
    Files.writeString(interrupted.resolve("config.json"), "{}");
    Path stillborn = sweep.resolve("optimizer=adam_crop=96");
    Files.createDirectories(stillborn);
    Files.writeString(stillborn.resolve("config.json"), "{}");
    Files.writeString(stillborn.resolve("stale.txt"), "left over");

    FakeTrainer trainer = new FakeTrainer();
    Sweep.run(GRID, sweep, trainer);
    assertThat(trainer.calls).containsExactly(
        "optimizer=sgd_crop=96", "optimizer=sgd_crop=48 resume", "optimizer=adam_crop=96 resume", "optimizer=adam_crop=48");
    // A run killed before its first checkpoint resumes from epoch 1 with its config (the trainer's
    // job); the sweep deletes nothing, least of all a file pcam did not write.
    assertThat(stillborn.resolve("stale.txt")).hasContent("left over");
  }

  @Test
  void writesCsvPlotsAndHtml(@TempDir Path sweep) throws Exception {
    Sweep.run(GRID, sweep, new FakeTrainer());
    List<String> csv = Files.readAllLines(sweep.resolve("sweep.csv"));
    assertThat(csv.get(0)).isEqualTo("run,optimizer,crop,best_val_auc,best_val_accuracy,best_epoch,epochs,seconds");
    assertThat(csv).hasSize(5);
    assertThat(csv.get(4)).startsWith("optimizer=adam_crop=48,adam,48,0.7200,0.7000,2,2,");
    ChartsTest.assertPng(sweep.resolve("auc-vs-crop.png"), Charts.WIDTH, Charts.HEIGHT);
    assertThat(sweep.resolve("auc-vs-optimizer.png")).doesNotExist();
    ChartsTest.assertPng(sweep.resolve("loss-grid.png"), 2 * SweepReport.PANEL_WIDTH, 2 * SweepReport.PANEL_HEIGHT);
    String html = Files.readString(sweep.resolve("sweep.html"));
    assertThat(html).contains("<img src=\"auc-vs-crop.png\"", "<img src=\"loss-grid.png\"",
        "<a href=\"optimizer=sgd_crop=96/report.html\">");
    assertThat(sweep.resolve("optimizer=sgd_crop=96/report.html")).exists();
  }
}
