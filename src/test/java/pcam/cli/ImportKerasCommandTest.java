package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.interop.keras.KerasFixture;
import pcam.interop.keras.KerasFixture.Model;
import pcam.interop.keras.KerasImportTest;
import pcam.model.KerasSpec;
import pcam.util.Json;

/** {@code pcam import-keras}: the real .h5 models end to end, and every bad Keras file as one line, exit 2, nothing written. */
@pcam.Slow
class ImportKerasCommandTest {
  @TempDir Path tmp;

  @Test
  void importedRealModelIsScoredEvaluatedInspectedAndFinetuned() throws IOException {
    Path data = SharedData.pcamSample();
    Path model = tmp.resolve("tg");
    CliRun imported = CliRun.run("import-keras", SharedData.root().resolve("keras-h5/tgrytnes-pcam-simple.h5").toString(),
        "--out", model.toString(), "--input-scale", "imagenet");
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("Keras 2.14.0", "input scale: imagenet", "sigmoid is the probability");
    assertThat(KerasSpec.load(model).inputScale().label()).isEqualTo("imagenet");

    CliRun inspect = CliRun.run("inspect", model.toString(), "--require", "fine-tunable");
    assertThat(inspect.exitCode()).as(inspect.err()).isZero();
    assertThat(inspect.out()).contains("scorable", "imported from tgrytnes-pcam-simple.h5", "fine-tunable with 'pcam finetune'");

    CliRun evaluate = CliRun.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--limit", "300",
        "--out", tmp.resolve("eval").toString());
    assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
    JsonNode metrics = Json.MAPPER.readTree(tmp.resolve("eval/metrics.json").toFile());
    assertThat(metrics.path("auc").asDouble()).isGreaterThan(0.85);

    Path run = tmp.resolve("runs/ft");
    CliRun finetune = CliRun.run("finetune", "--savedmodel", model.toString(), "--data", data.toString(), "--out", run.toString(),
        "--limit", "400", "--val-fraction", "0.25", "--epochs", "1", "--trainable-layers", "1", "--optimizer", "sgd", "--lr", "1e-3");
    assertThat(finetune.exitCode()).as(finetune.err()).isZero();
    JsonNode config = Json.MAPPER.readTree(run.resolve("config.json").toFile());
    assertThat(config.path("trainableLayers").asInt()).isEqualTo(1);
    assertThat(config.path("optimizer").asText()).isEqualTo("SGD"); // the enum's name, as train writes it (old "sgd" still loads)
    assertThat(pcam.train.RunConfig.load(run).source())
        .isEqualTo(new pcam.model.ModelSource.SavedModel(model.toAbsolutePath().normalize(), pcam.model.Optimizer.SGD, 1, null, 42));
    assertThat(run.resolve("model/" + KerasSpec.FILE)).isRegularFile();
    assertThat(Json.MAPPER.readTree(run.resolve("metrics.json").toFile()).path("auc").asDouble()).isGreaterThan(0.85);
  }

  private void assertRejected(String expected, String... args) throws IOException {
    List<String> before = listing();
    CliRun run = CliRun.run(args);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).contains(expected).doesNotContain("Exception");
    assertThat(listing()).isEqualTo(before);
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files.map(tmp::relativize).map(Path::toString).sorted().toList();
    }
  }

  private String out() {
    return tmp.resolve("out").toString();
  }

  @Test
  void badKerasFilesAreOneLineErrorsAndWriteNothing() throws IOException {
    Path text = Files.writeString(tmp.resolve("notes.h5"), "not a model\n");
    assertRejected("neither an HDF5 file", "import-keras", text.toString(), "--out", out(), "--input-scale", "unit");

    byte[] real = Files.readAllBytes(SharedData.root().resolve("keras-h5/jedhelmers-pcam-cnn.h5"));
    Path truncated = Files.write(tmp.resolve("truncated.h5"), Arrays.copyOf(real, real.length / 3));
    assertRejected("truncated or corrupt", "import-keras", truncated.toString(), "--out", out(), "--input-scale", "unit");

    Path weightsOnly = tmp.resolve("weights-only.h5");
    try (WritableHdfFile f = HdfFile.write(weightsOnly)) {
      f.putAttribute("layer_names", new String[] {"conv2d"});
      f.putAttribute("keras_version", "2.15.0");
      f.putGroup("conv2d").putAttribute("weight_names", new String[] {"conv2d/kernel:0"});
    }
    assertRejected("the architecture is missing", "import-keras", weightsOnly.toString(), "--out", out(), "--input-scale", "unit");

    Path keras1 = tmp.resolve("keras1.h5");
    try (WritableHdfFile f = HdfFile.write(keras1)) {
      f.putAttribute("keras_version", "1.2.2");
      f.putAttribute("model_config", "{\"class_name\": \"Sequential\", \"config\": [{\"class_name\": \"Convolution2D\", \"config\": {}}]}");
      f.putGroup("model_weights").putAttribute("layer_names", new String[] {"convolution2d_1"});
    }
    assertRejected("Keras 1", "import-keras", keras1.toString(), "--out", out(), "--input-scale", "unit");
  }

  @Test
  void unsupportedLayersOptionsAndOutputsNameTheLayer() throws IOException {
    Model depthwise = KerasImportTest.sequential();
    depthwise.add("dw", "DepthwiseConv2D", KerasFixture.cfg("kernel_size", List.of(3, 3)));
    Path dw = tmp.resolve("dw.keras");
    KerasFixture.writeKeras3(depthwise, dw);
    assertRejected("layer 'dw' (DepthwiseConv2D): layer class not supported", "import-keras", dw.toString(), "--out", out());

    Model grouped = new Model("g", "Sequential", new long[] {-1, 8, 8, 3});
    grouped.add("scale", "Rescaling", KerasFixture.cfg("scale", 0.5));
    var conv = KerasImportTest.conv(4, 3, 1, "valid", 1, "relu");
    conv.put("groups", 3);
    grouped.add("c", "Conv2D", conv);
    Path g = tmp.resolve("grouped.keras");
    KerasFixture.writeKeras3(grouped, g);
    assertRejected("layer 'c' (Conv2D): option groups=3", "import-keras", g.toString(), "--out", out());

    Model three = new Model("three", "Sequential", new long[] {-1, 8, 8, 3});
    three.add("scale", "Rescaling", KerasFixture.cfg("scale", 0.5));
    three.add("flat", "Flatten", KerasFixture.cfg());
    three.add("d", "Dense", KerasFixture.cfg("units", 3, "activation", "softmax", "use_bias", true));
    KerasImportTest.reference(three, KerasImportTest.images(1, 8, 1), 1f, 0, 1); // draws its weights
    Path k3 = tmp.resolve("three.keras");
    KerasFixture.writeKeras3(three, k3);
    assertRejected("pass --positive-class INDEX (0..2)", "import-keras", k3.toString(), "--out", out());
    assertRejected("--positive-class 3 is out of range", "import-keras", k3.toString(), "--out", out(), "--positive-class", "3");
    CliRun ok = CliRun.run("import-keras", k3.toString(), "--out", out(), "--positive-class", "2");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("softmax column 2 of 3");
    assertRejected("already exists", "import-keras", k3.toString(), "--out", out(), "--positive-class", "2");
  }
}
