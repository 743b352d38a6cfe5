package pcam.cli;

import pcam.PrivateCacheDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;
import com.fasterxml.jackson.databind.JsonNode;
import pcam.SharedData;
import pcam.util.Json;
import pcam.data.Batch;
import pcam.data.PatchReader;
import pcam.data.Resize;
import pcam.eval.Submission;
import pcam.interop.KerasStyleFixture;
import pcam.model.ModelMetadata;
import pcam.model.SavedModelScorer;

/**
 * The real Keras 3 {@code model.export()} SavedModels in ../shared/data/savedmodels through the
 * CLI: inspect's verdicts, predict with --positive-class by index and by name against the model's
 * own softmax rows, the choice stored in the cache (the shared folder is read-only and stays
 * untouched), and the bad inputs: a class out of range, no serving signature, damaged variables,
 * two image inputs. Scores 8 real test patches to stay fast.
 */
@pcam.Slow
class KerasSavedModelCommandsTest {
  private static final int N = 8;
  @TempDir static Path shared;
  static Path images;
  static Path ids;
  static List<String> idList;
  @TempDir Path tmp;
  private PrivateCacheDir cacheDir;

  @BeforeAll
  static void someRealPatches() throws IOException {
    images = SharedData.pcamSample().resolve("test");
    idList = pcam.data.LabelsCsv.readIds(SharedData.pcamSample().resolve("sample_submission.csv")).subList(0, N);
    ids = shared.resolve("ids.csv");
    Files.writeString(ids, "id,label\n" + String.join(",0\n", idList) + ",0\n");
  }

  @BeforeEach
  void privateCache() {
    cacheDir = new PrivateCacheDir(tmp.resolve("cache"));
  }

  @AfterEach
  void restoreCache() {
    cacheDir.close();
  }

  private static Path savedModel(String name) {
    return SharedData.savedModels().resolve(name);
  }

  private CliRun predict(Path model, Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("predict", "--model", model.toString(), "--images", images.toString(),
        "--ids", ids.toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    return CliRun.run(args.toArray(String[]::new));
  }

  /** output_0 rows for the patches, straight from the model's session (resized as pcam resizes). */
  private static float[][] modelRows(Path dir, int size, int classes) {
    byte[] pixels = new byte[N * PatchReader.BYTES];
    for (int i = 0; i < N; i++) {
      System.arraycopy(PatchReader.read(images.resolve(idList.get(i) + ".tif")), 0, pixels, i * PatchReader.BYTES, PatchReader.BYTES);
    }
    Batch batch = Resize.bilinear(new Batch(pixels, new float[N], N, 96, 96), size, size);
    float[][] rows = new float[N][classes];
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
        TFloat32 input = SavedModelScorer.toFloatImages(batch);
        Result result = bundle.session().runner()
            .feed(bundle.function("serving_default").signature().getInputs().values().iterator().next().name, input)
            .fetch(bundle.function("serving_default").signature().getOutputs().get("output_0").name).run()) {
      TFloat32 out = (TFloat32) result.get(0);
      for (int i = 0; i < N; i++) {
        for (int k = 0; k < classes; k++) {
          rows[i][k] = out.getFloat(i, k);
        }
      }
    }
    return rows;
  }

  private static void assertSharedFolderUntouched(Path model) throws IOException {
    try (Stream<Path> files = Files.list(model)) {
      assertThat(files.map(p -> p.getFileName().toString())).doesNotContain(ModelMetadata.FILE);
    }
  }

  @Test
  void intelScenesInspectSaysHowItWillBeScoredAndAsksForThePositiveClass() throws IOException {
    Path model = savedModel("keras3-intel-scenes-tf2.18");

    CliRun bare = CliRun.run("inspect", model.toString());
    assertThat(bare.exitCode()).as(bare.err()).isZero();
    assertThat(bare.out())
        .contains("scoring     input   keras_tensor_182 float32 [?,150,150,3]")
        .contains("input size  150x150 (patches are resized from 96x96)")
        .contains("scoring     scale   raw (0..255 RGB as decoded), the graph rescales its input itself: "
            + "x*0.003921569 (x/255, a Keras Rescaling layer) before Conv2D")
        .contains("scoring     output  output_0 float32 [?,6]: probabilities (the serving function ends in Softmax), used as they are")
        .contains("verdict     needs options: --positive-class INDEX|NAME: output_0 has 6 classes: 0 buildings, 1 forest, "
            + "2 glacier, 3 mountain, 4 sea, 5 street; which one is tumour?");
    CliRun required = CliRun.run("inspect", "--require", "scorable", model.toString());
    assertThat(required.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(required.err()).startsWith("pcam: " + model + " needs options, not scorable as it stands: --positive-class INDEX|NAME")
        .hasLineCount(1);
    JsonNode json = Json.MAPPER.readTree(CliRun.run("inspect", "--json", model.toString()).out());
    assertThat(json.get("verdict").asText()).isEqualTo("SCORABLE");
    assertThat(json.get("needs").get(0).asText()).startsWith("--positive-class INDEX|NAME: output_0 has 6 classes");
    assertThat(json.get("serving").get("endsIn").asText()).isEqualTo("Softmax");
    assertThat(json.get("serving").get("inputPreprocessing").asText()).startsWith("x*0.003921569 (x/255");

    CliRun chosen = CliRun.run("inspect", "--positive-class", "glacier", "--require", "scorable", model.toString());
    assertThat(chosen.exitCode()).as(chosen.err()).isZero();
    assertThat(chosen.out())
        .contains("scoring     class   2 = glacier: column 2 (from --positive-class)")
        .contains("stored      these choices in " + ModelMetadata.cacheEntry(model) + " (the model folder is read-only)")
        .contains("verdict     scorable: serving_default takes one image batch and gives one output 'output_0' [?,6]")
        .doesNotContain("warning");
    assertSharedFolderUntouched(model);
  }

  @Test
  void intelScenesPredictsTheSoftmaxColumnOfThePositiveClassByIndexOrName() throws IOException {
    Path model = savedModel("keras3-intel-scenes-tf2.18");
    float[][] rows = modelRows(model, 150, 6);

    CliRun byIndex = predict(model, tmp.resolve("index.csv"), "--positive-class", "2");
    CliRun byName = predict(model, tmp.resolve("name.csv"), "--positive-class", "glacier");

    assertThat(byIndex.exitCode()).as(byIndex.err()).isZero();
    assertThat(byName.exitCode()).as(byName.err()).isZero();
    Map<String, Float> index = Submission.read(tmp.resolve("index.csv"));
    assertThat(Submission.read(tmp.resolve("name.csv"))).isEqualTo(index);
    for (int i = 0; i < N; i++) {
      double sum = 0;
      for (float p : rows[i]) {
        sum += p;
      }
      assertThat(sum).as("softmax row %d", i).isCloseTo(1.0, within(1e-5));
      assertThat(index.get(idList.get(i))).isCloseTo(rows[i][2], within(1e-6f));
    }
    // The choice was stored (in the cache: the shared folder is read-only); without the flag it is reused.
    assertSharedFolderUntouched(model);
    assertThat(ModelMetadata.find(model).orElseThrow().metadata().positiveClass()).isEqualTo(2);
    CliRun reused = predict(model, tmp.resolve("reused.csv"));
    assertThat(reused.exitCode()).as(reused.err()).isZero();
    assertThat(Submission.read(tmp.resolve("reused.csv"))).isEqualTo(index);
  }

  /**
   * This export's serving function applies its RandomFlip/RandomRotation layers at inference (a
   * seed variable advances on every call), so a patch scores differently on each call: inspect
   * warns. A freshly loaded model starts from the same seed state, and both pcam and the direct
   * session below score the 8 patches in one call, so their first calls still agree.
   */
  @Test
  void bloodCellsAt224PredictTheNamedClassColumnAndInspectWarnsOfRandomOpsAtInference() {
    Path model = savedModel("keras3-bloodcell-tf2.18");
    float[][] rows = modelRows(model, 224, 8);

    CliRun run = predict(model, tmp.resolve("blood.csv"), "--positive-class", "lymphocyte");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, Float> scores = Submission.read(tmp.resolve("blood.csv"));
    for (int i = 0; i < N; i++) {
      assertThat(scores.get(idList.get(i))).isCloseTo(rows[i][4], within(1e-6f));
    }
    CliRun inspect = CliRun.run("inspect", model.toString());
    assertThat(inspect.out())
        .contains("scoring     class   4 = lymphocyte: column 4 (stored in " + ModelMetadata.cacheEntry(model) + ")")
        .contains("warning     the serving function draws random numbers (random_flip_1, random_rotation_1): augmentation"
            + " layers are active at inference, so a patch scores differently on each call");
    // The warning is true: the same batch, scored twice by one loaded model, gives other numbers.
    try (SavedModelScorer scorer = ModelArgument.open(model)) {
      Batch batch = Resize.bilinear(new Batch(new byte[2 * PatchReader.BYTES], new float[2], 2, 96, 96), 224, 224);
      java.util.Arrays.fill(batch.pixels(), (byte) 90);
      for (int i = 0; i < batch.pixels().length; i += 7) {
        batch.pixels()[i] = (byte) (i % 251);
      }
      assertThat(scorer.predict(batch)).isNotEqualTo(scorer.predict(batch));
    }
  }

  @Test
  void aPositiveClassOutOfRangeIsOneLineExitTwoAndWritesNothing() {
    Path model = savedModel("keras3-intel-scenes-tf2.18");
    Path out = tmp.resolve("out.csv");

    CliRun run = predict(model, out, "--positive-class", "6");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).isEqualTo("pcam: --positive-class 6 is out of range: output_0 [?,6] has 6 classes (0..5): "
        + "0 buildings, 1 forest, 2 glacier, 3 mountain, 4 sea, 5 street\n");
    assertThat(out).doesNotExist();
    assertThat(ModelMetadata.cacheEntry(model)).doesNotExist();
    CliRun unknownName = predict(model, out, "--positive-class", "tumour");
    assertThat(unknownName.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unknownName.err()).startsWith("pcam: --positive-class 'tumour' is not a class name in ").hasLineCount(1);
    CliRun evaluate = CliRun.run("evaluate", "--model", model.toString(), "--data", SharedData.pcamSample().toString(),
        "--limit", "8", "--positive-class", "-1", "--out", tmp.resolve("eval").toString());
    assertThat(evaluate.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(evaluate.err()).startsWith("pcam: --positive-class -1 is out of range").hasLineCount(1);
    assertThat(tmp.resolve("eval")).doesNotExist();
  }

  @Test
  void anEnsembleStoresNoChoiceWhenOneOfItsModelsRefusesIt() {
    Path blood = savedModel("keras3-bloodcell-tf2.18");
    Path intel = savedModel("keras3-intel-scenes-tf2.18");
    Path out = tmp.resolve("out.csv");

    CliRun run = CliRun.run("predict", "--model", blood.toString(), "--model", intel.toString(), "--positive-class", "7",
        "--images", images.toString(), "--ids", ids.toString(), "--out", out.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).startsWith("pcam: --positive-class 7 is out of range: output_0 [?,6] has 6 classes").hasLineCount(1);
    assertThat(out).doesNotExist();
    assertThat(ModelMetadata.cacheEntry(blood)).as("7 fits the blood-cell model, but the ensemble failed").doesNotExist();
  }

  @Test
  void mnistOnDeviceTrainingModelHasNoServingSignature() {
    Path model = savedModel("tf2.15-mnist-ondevice-train");
    Path out = tmp.resolve("out.csv");

    CliRun inspect = CliRun.run("inspect", model.toString());
    CliRun run = predict(model, out);

    assertThat(inspect.exitCode()).isZero();
    assertThat(inspect.out()).contains("verdict     not usable: no serving_default signature (signatures: infer, restore, save, train); "
        + "pcam scores through serving_default: one image batch [N,H,W,3] in, one class output [N,K] out");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).startsWith("pcam: " + model + ": pcam cannot score this SavedModel: no serving_default signature").hasLineCount(1);
    assertThat(out).doesNotExist();
  }

  @Test
  void truncatedVariablesAreNeverCalledScorable() throws IOException {
    Path copy = tmp.resolve("intel-copy");
    copyTree(savedModel("keras3-intel-scenes-tf2.18"), copy);
    Path data;
    try (Stream<Path> files = Files.list(copy.resolve("variables"))) {
      data = files.filter(p -> p.getFileName().toString().startsWith("variables.data")).findFirst().orElseThrow();
    }
    try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }

    CliRun inspect = CliRun.run("inspect", "--positive-class", "2", copy.toString());
    CliRun run = predict(copy, tmp.resolve("out.csv"), "--positive-class", "2");

    assertThat(inspect.exitCode()).isZero();
    assertThat(inspect.out()).contains("verdict     not usable: the SavedModel does not load and run (variables damaged or missing?)");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).startsWith("pcam: " + copy + ": cannot load SavedModel").hasLineCount(1);
    assertThat(tmp.resolve("out.csv")).doesNotExist();
    assertThat(copy.resolve(ModelMetadata.FILE)).doesNotExist();
  }

  @Test
  void twoImageInputsAreOneLineExitTwo() {
    Path model = KerasStyleFixture.create(tmp.resolve("two"), KerasStyleFixture.Options.sigmoid(32).withTwoImageInputs());
    Path out = tmp.resolve("out.csv");

    CliRun run = predict(model, out);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).isEqualTo("pcam: " + model + ": pcam cannot score this SavedModel: serving_default takes 2 inputs "
        + "[input_1, input_2] (2 of them images); pcam feeds one: an image batch float32 or uint8 [N,H,W,3]\n");
    assertThat(out).doesNotExist();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
          target.toFile().setWritable(true);
        }
      }
    }
    to.toFile().setWritable(true);
  }
}
