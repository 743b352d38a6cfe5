package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.TestPatches;
import pcam.TinySavedModels;
import pcam.data.PatchReader;
import pcam.eval.Submission;

class PredictCommandTest {
  @TempDir static Path shared;
  static Path model;

  @BeforeAll
  static void exportModel() {
    model = TinySavedModels.meanIntensity(shared.resolve("model"), 96);
  }

  @Test
  void realTestFolderGivesAValidSubmissionForAll400Ids(@TempDir Path tmp) {
    Path sample = SharedData.pcamSample();
    Path ids = sample.resolve("sample_submission.csv");
    Path out = tmp.resolve("submission.csv");
    CliRun r = CliRun.run("predict", "--model", model.toString(), "--images", sample.resolve("test").toString(),
        "--ids", ids.toString(), "--out", out.toString(), "--tta", "flip");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("wrote " + out + ": 400 ids, mean probability ");

    List<String> expected = pcam.data.LabelsCsv.readIds(ids);
    Map<String, Float> rows = Submission.read(out);
    assertThat(expected).hasSize(400);
    assertThat(rows.keySet()).containsExactlyElementsOf(expected);
    for (String id : expected.subList(0, 20)) {
      byte[] pixels = PatchReader.read(sample.resolve("test").resolve(id + ".tif"));
      assertThat(rows.get(id)).isCloseTo(TinySavedModels.expectedMeanIntensity(pixels), within(1e-5f));
    }
  }

  @Test
  void withoutIdsTheFolderIsScoredInSortedOrderAndAnOldSubmissionIsReplaced(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    TestPatches.writeFolder(images, 5);
    Path notes = Files.writeString(tmp.resolve("notes.csv"), "my notes");
    CliRun refused = CliRun.run("predict", "--model", shared.toString() + "/model", "--images", images.toString(), "--out", notes.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo("pcam: --out " + notes + " exists and is not a submission (no id,label header);"
        + " pcam replaces only files it wrote, choose another --out\n");
    assertThat(notes).hasContent("my notes");
    Path out = tmp.resolve("sub.csv");
    Files.writeString(out, "id,label\nold,0.5\n");
    CliRun r = CliRun.run("predict", "--model", shared.toString() + "/model", "--images", images.toString(),
        "--out", out.toString(), "--batch-size", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Submission.read(out).keySet()).containsExactly("id000", "id001", "id002", "id003", "id004");
  }

  @Test
  void runDirectoryModelIsItsModelFolder(@TempDir Path tmp) {
    Path run = tmp.resolve("run");
    TinySavedModels.meanIntensity(run.resolve("model"), 96);
    Path images = tmp.resolve("images");
    TestPatches.writeFolder(images, 2);
    CliRun r = CliRun.run("predict", "--model", run.toString(), "--images", images.toString(), "--out", tmp.resolve("s.csv").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  @Test
  void badInputsExitWithCode2AndNameTheCulprit(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    TestPatches.writeFolder(images, 3);
    String m = model.toString();

    Path folder = Files.createDirectory(tmp.resolve("folder"));
    CliRun outIsDir = CliRun.run("predict", "--model", m, "--images", images.toString(), "--out", folder.toString());
    assertThat(outIsDir.exitCode()).isEqualTo(2);
    assertThat(outIsDir.err()).contains(folder + ": is a directory");

    Path ids = tmp.resolve("ids.csv");
    Files.writeString(ids, "id,label\nid000,0\nmissing1,0\n");
    CliRun missing = CliRun.run("predict", "--model", m, "--images", images.toString(), "--ids", ids.toString(), "--out", tmp.resolve("a.csv").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("missing1.tif");

    Files.writeString(images.resolve("id001.tif"), "garbage");
    Path out = tmp.resolve("b.csv");
    CliRun bad = CliRun.run("predict", "--model", m, "--images", images.toString(), "--out", out.toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("id001.tif");
    assertThat(out).doesNotExist();

    CliRun notAModel = CliRun.run("predict", "--model", images.toString(), "--images", images.toString(), "--out", out.toString());
    assertThat(notAModel.exitCode()).isEqualTo(2);
    assertThat(notAModel.err()).contains("neither a SavedModel");

    CliRun badTta = CliRun.run("predict", "--model", m, "--images", images.toString(), "--out", out.toString(), "--tta", "d4");
    // Usage errors' exit code is decided by Commands' exception mapper, not by this command.
    assertThat(badTta.exitCode()).isNotZero();
    assertThat(badTta.err()).contains("'--tta'", "expected one of [NONE, FLIP, D8] (case-insensitive) but was 'd4'");
  }
}
