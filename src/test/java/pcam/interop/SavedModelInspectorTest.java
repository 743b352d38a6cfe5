package pcam.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.interop.SavedModelInspector.Report;
import pcam.interop.SavedModelInspector.Verdict;
import pcam.util.InputException;

class SavedModelInspectorTest {
  @TempDir static Path tmp;
  static Path fixture;

  @BeforeAll
  static void exportFixture() {
    fixture = ContractFixture.create(tmp.resolve("fixture"), 96);
  }

  @Test
  void javaBuiltFixtureIsFineTunableWithItsSignaturesAndVariables() {
    Report report = SavedModelInspector.inspect(fixture);

    assertThat(report.verdict()).isEqualTo(Verdict.FINE_TUNABLE);
    assertThat(report.reason()).contains("with save/restore signatures");
    assertThat(report.tags()).containsExactly("serve");
    assertThat(report.signatures()).extracting(s -> s.key())
        .containsExactly("restore", "save", "serving_default", "train_step");
    var serving = report.signature("serving_default");
    assertThat(serving.input("images").dtype()).isEqualTo("float32");
    assertThat(serving.input("images").shape()).isEqualTo("[?,96,96,3]");
    assertThat(serving.output("probability").shape()).isEqualTo("[?,1]");
    var train = report.signature("train_step");
    assertThat(train.inputs()).extracting(t -> t.key()).containsExactly("images", "labels", "learning_rate");
    assertThat(train.input("learning_rate").shape()).isEqualTo("[]");
    assertThat(train.outputs()).extracting(t -> t.key()).containsExactly("accuracy", "loss");
    assertThat(report.signature("save").input("checkpoint_path").dtype()).isEqualTo("string");
    // 8 weights + 2 Adam slots each + the step counter; 6,065 parameters counted twice more in the slots, +1.
    assertThat(report.variables()).isEqualTo(ContractFixture.VARIABLES);
    assertThat(report.parameters()).isEqualTo(3L * ContractFixture.PARAMETERS + 1);
    assertThat(report.variablesBytesOnDisk()).isGreaterThan(4L * report.parameters());
    assertThat(report.hasSaver()).isTrue();
    assertThat(report.inputHeight()).isEqualTo(96);
    assertThat(report.inputWidth()).isEqualTo(96);
  }

  @Test
  void inputSizeComesFromTheServingSignature() {
    Report report = SavedModelInspector.inspect(ContractFixture.create(tmp.resolve("small"), 64));

    assertThat(report.inputHeight()).isEqualTo(64);
    assertThat(report.inputWidth()).isEqualTo(64);
  }

  @Test
  void trainStepWithoutLearningRateIsScorableOnlyAndSaysWhy() {
    Report report = SavedModelInspector.inspect(
        ContractFixture.create(tmp.resolve("no-lr"), 96, ContractFixture.Variant.NO_LEARNING_RATE));

    assertThat(report.verdict()).isEqualTo(Verdict.SCORABLE);
    assertThat(report.reason()).contains("train_step lacks learning_rate");
  }

  @Test
  void servingOnlyModelIsScorable() {
    Report report = SavedModelInspector.inspect(
        ContractFixture.create(tmp.resolve("score-only"), 96, ContractFixture.Variant.SCORE_ONLY));

    assertThat(report.verdict()).isEqualTo(Verdict.SCORABLE);
    assertThat(report.reason()).contains("no train_step signature");
  }

  @Test
  void tfServingHalfPlusTwoIsNotUsableBecauseItsServingDefaultIsNotAnImageClassifier() {
    Report report = SavedModelInspector.inspect(SharedData.savedModels().resolve("half-plus-two-tf2.14"));

    assertThat(report.verdict()).isEqualTo(Verdict.NOT_USABLE);
    assertThat(report.reason())
        .isEqualTo("serving_default input 'x' is float32 [1]; pcam feeds an image batch float32 or uint8 [N,H,W,3] (RGB patches)");
    assertThat(report.signature("serving_default").output("y").dtype()).isEqualTo("float32");
    assertThat(report.signature("classify_x_to_y").input("inputs").dtype()).isEqualTo("string");
    assertThat(report.hasSaver()).isTrue();
  }

  @Test
  void pythonTf24ModuleIsNotUsableBecauseItHasNoServingDefault() {
    Report report = SavedModelInspector.inspect(SharedData.savedModels().resolve("python-tf2.4-module"));

    assertThat(report.verdict()).isEqualTo(Verdict.NOT_USABLE);
    assertThat(report.reason()).startsWith("no serving_default signature (signatures: add, get_const_matrix");
    assertThat(report.signature("add").input("a").shape()).isEqualTo("<unknown rank>");
    assertThat(report.variables()).isEqualTo(1);
  }

  @Test
  void halfCopiedFoldersAreRejectedNamingWhatIsMissing() throws Exception {
    Path noGraph = Files.createDirectories(tmp.resolve("no-graph/variables"));
    assertThatThrownBy(() -> SavedModelInspector.inspect(noGraph.getParent()))
        .isInstanceOf(InputException.class).hasMessageContaining("no saved_model.pb");

    Path noVariables = Files.createDirectories(tmp.resolve("no-variables"));
    Files.copy(fixture.resolve("saved_model.pb"), noVariables.resolve("saved_model.pb"));
    assertThatThrownBy(() -> SavedModelInspector.inspect(noVariables))
        .isInstanceOf(InputException.class).hasMessageContaining("no variables/ folder");

    Path garbage = Files.createDirectories(tmp.resolve("garbage/variables")).getParent();
    Files.writeString(garbage.resolve("saved_model.pb"), "not a protobuf at all");
    assertThatThrownBy(() -> SavedModelInspector.inspect(garbage))
        .isInstanceOf(InputException.class).hasMessageContaining("cannot parse saved_model.pb");

    Path empty = Files.createDirectories(tmp.resolve("empty/variables")).getParent();
    Files.writeString(empty.resolve("saved_model.pb"), "");
    assertThatThrownBy(() -> SavedModelInspector.inspect(empty))
        .isInstanceOf(InputException.class).hasMessageContaining("holds no MetaGraph");

    Path noIndex = Files.createDirectories(tmp.resolve("no-index/variables")).getParent();
    Files.copy(fixture.resolve("saved_model.pb"), noIndex.resolve("saved_model.pb"));
    assertThatThrownBy(() -> SavedModelInspector.inspect(noIndex))
        .isInstanceOf(InputException.class).hasMessageContaining("variables/variables.index is missing");

    assertThatThrownBy(() -> SavedModelInspector.inspect(tmp.resolve("absent")))
        .isInstanceOf(InputException.class).hasMessageContaining("no such SavedModel folder");
  }
}
