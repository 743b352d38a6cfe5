package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionTest {
  private static final List<String> EXPECTED = List.of("b", "a", "c");

  @Test
  void writesRowsInExpectedOrder(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("submission.csv");
    Submission.write(out, EXPECTED, List.of("a", "b", "c"), new float[] {0.25f, 0.5f, 1f});
    assertThat(Files.readAllLines(out)).containsExactly("id,label", "b,0.5", "a,0.25", "c,1.0");
    assertThat(Submission.read(out)).containsExactly(
        java.util.Map.entry("b", 0.5f), java.util.Map.entry("a", 0.25f), java.util.Map.entry("c", 1f));
  }

  @Test
  void missingIdIsCaughtAndNothingIsWritten(@TempDir Path tmp) {
    Path out = tmp.resolve("submission.csv");
    assertThatThrownBy(() -> Submission.write(out, EXPECTED, List.of("a", "b"), new float[] {0.1f, 0.2f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id c has no prediction");
    assertThat(out).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void duplicateIdIsCaught() {
    assertThatThrownBy(() -> Submission.validate(EXPECTED, List.of("a", "b", "a"), new float[] {0.1f, 0.2f, 0.3f}))
        .hasMessage("id a is predicted more than once");
    assertThatThrownBy(() -> Submission.validate(List.of("a", "a"), List.of("a"), new float[] {0.1f}))
        .hasMessage("id a is expected more than once");
  }

  @Test
  void unexpectedIdAndCountMismatchAreCaught() {
    assertThatThrownBy(() -> Submission.validate(List.of("a"), List.of("a", "z"), new float[] {0.1f, 0.2f}))
        .hasMessage("id z is predicted but not expected");
    assertThatThrownBy(() -> Submission.validate(List.of("a"), List.of("a"), new float[] {0.1f, 0.2f}))
        .hasMessage("1 ids but 2 probabilities");
  }

  @Test
  void probabilitiesOutsideUnitIntervalOrNotFiniteAreCaught() {
    for (float bad : new float[] {-0.01f, 1.01f, Float.NaN, Float.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> Submission.validate(List.of("a"), List.of("a"), new float[] {bad}))
          .hasMessage("id a: probability " + bad + " is not within [0,1]");
    }
  }

  @Test
  void overwritingAnExistingSubmissionReplacesIt(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("submission.csv");
    Files.writeString(out, "old");
    Submission.write(out, List.of("a"), List.of("a"), new float[] {0.5f});
    assertThat(Files.readAllLines(out)).containsExactly("id,label", "a,0.5");
  }
}
