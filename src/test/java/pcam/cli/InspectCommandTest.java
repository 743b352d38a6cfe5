package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.interop.ContractFixture;
import pcam.util.Json;

class InspectCommandTest {
  @TempDir Path tmp;

  @Test
  void printsSignaturesVariablesAndVerdictOfTheFixture() {
    Path model = ContractFixture.create(tmp.resolve("fixture"), 64);

    CliRun run = CliRun.run("inspect", model.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("tags        serve")
        .containsPattern("in  images +float32 +\\[\\?,64,64,3\\]")
        .containsPattern("out probability +float32 +\\[\\?,1\\]")
        .containsPattern("in  learning_rate +float32 +\\[\\]")
        .contains("variables   25 (18,196 values;")
        .contains("saver: yes")
        .contains("input size  64x64 (patches are resized from 96x96)")
        .contains("verdict     fine-tunable: serving_default and train_step match the contract");
  }

  @Test
  void jsonReportCarriesTheVerdictForScripts() throws Exception {
    CliRun run = CliRun.run("inspect", "--json", SharedData.savedModels().resolve("python-tf2.4-module").toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode report = Json.MAPPER.readTree(run.out());
    assertThat(report.get("verdict").asText()).isEqualTo("NOT_USABLE");
    assertThat(report.get("reason").asText()).startsWith("no serving_default signature");
    assertThat(report.get("signatures").size()).isEqualTo(5);
  }

  @Test
  void sharedTfServingModelIsReportedNotUsableWithTheReason() {
    CliRun run = CliRun.run("inspect", SharedData.savedModels().resolve("half-plus-two-tf2.14").toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("verdict     not usable: serving_default input 'x' is float32 [1]");
  }

  @Test
  void requireExitsWithTwoNamingWhatIsMissingWhenTheModelFallsShort() {
    Path scoreOnly = ContractFixture.create(tmp.resolve("score-only"), 96, ContractFixture.Variant.SCORE_ONLY);
    Path noRate = ContractFixture.create(tmp.resolve("no-lr"), 96, ContractFixture.Variant.NO_LEARNING_RATE);
    Path full = ContractFixture.create(tmp.resolve("full"), 96);

    CliRun lacksRate = CliRun.run("inspect", "--require", "fine-tunable", noRate.toString());
    assertThat(lacksRate.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(lacksRate.err())
        .startsWith("pcam: " + noRate + " is scorable, not fine-tunable: serving_default matches the contract; "
            + "not fine-tunable: train_step lacks learning_rate");
    CliRun noServing = CliRun.run("inspect", "--require", "scorable", SharedData.savedModels().resolve("python-tf2.4-module").toString());
    assertThat(noServing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noServing.err()).contains("is not usable, not scorable: no serving_default signature");

    assertThat(CliRun.run("inspect", "--require", "scorable", scoreOnly.toString()).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(CliRun.run("inspect", "--require", "fine-tunable", scoreOnly.toString()).exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(CliRun.run("inspect", "--require", "fine-tunable", full.toString()).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(CliRun.run("inspect", "--require", "trainable", full.toString()).exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void aFolderThatIsNotASavedModelExitsWithTwoAndOneLine() throws Exception {
    Path half = Files.createDirectories(tmp.resolve("half-copied"));
    Files.writeString(half.resolve("saved_model.pb"), "");

    CliRun run = CliRun.run("inspect", half.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).startsWith("pcam: " + half + ": SavedModel has no variables/ folder (incomplete copy?)");
    assertThat(run.out()).isEmpty();
  }
}
