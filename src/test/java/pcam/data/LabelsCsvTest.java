package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.util.InputException;

class LabelsCsvTest {
  @TempDir Path tmp;

  @Test
  void readsRowsInFileOrderWithLineNumbers() throws IOException {
    Path csv = write("id,label\naaa,0\nbbb,1\nccc,0\n");
    assertThat(LabelsCsv.readLabels(csv))
        .containsExactly(
            new LabelsCsv.Row("aaa", (byte) 0, 2),
            new LabelsCsv.Row("bbb", (byte) 1, 3),
            new LabelsCsv.Row("ccc", (byte) 0, 4));
  }

  @Test
  void acceptsBomAndCrlf() throws IOException {
    Path csv = write("\uFEFFid,label\r\naaa,1\r\nbbb,0\r\n");
    assertThat(LabelsCsv.readLabels(csv)).extracting(LabelsCsv.Row::id).containsExactly("aaa", "bbb");
  }

  @Test
  void toleratesAMissingFinalNewlineAndBlankLines() throws IOException {
    assertThat(LabelsCsv.readLabels(write("id,label\naaa,1\n\nbbb,0"))).hasSize(2);
  }

  @Test
  void readsTheRealSampleLabels() {
    Path csv = pcam.SharedData.pcamSample().resolve("train_labels.csv");
    var rows = LabelsCsv.readLabels(csv);
    assertThat(rows).hasSize(4000);
    assertThat(rows.stream().filter(r -> r.label() == 1).count()).isEqualTo(1600);
    assertThat(rows.get(0).id()).hasSize(40).matches("[0-9a-f]+");
  }

  @Test
  void missingFile() {
    Path csv = tmp.resolve("absent.csv");
    assertError(csv, csv + ": file not found");
  }

  @Test
  void emptyFile() throws IOException {
    assertError(write(""), "empty file, expected the header id,label");
  }

  @Test
  void headerOnlyGivesNoRows() throws IOException {
    assertThat(LabelsCsv.readLabels(write("id,label\n"))).isEmpty();
  }

  @Test
  void wrongHeader() throws IOException {
    assertError(write("name,label\naaa,0\n"), "line 1: header is 'name,label', expected 'id,label'");
    assertError(write("id,label,extra\naaa,0,x\n"), "line 1: header is 'id,label,extra'");
    assertError(write("aaa,0\nbbb,1\n"), "line 1: header is 'aaa,0'");
  }

  @Test
  void labelNotZeroOrOne() throws IOException {
    assertError(write("id,label\naaa,0\nbbb,2\n"), "line 3: label '2' is not 0 or 1");
    assertError(write("id,label\naaa,0.7\n"), "line 2: label '0.7' is not 0 or 1");
    assertError(write("id,label\r\naaa,0\r\n\r\nbbb,x"), "line 4: label 'x' is not 0 or 1");
    assertError(write("id,label\naaa,\n"), "line 2: label '' is not 0 or 1");
  }

  @Test
  void wrongFieldCount() throws IOException {
    assertError(write("id,label\naaa\n"), "line 2: expected 2 fields (id,label), found 1");
  }

  @Test
  void duplicateId() throws IOException {
    assertError(write("id,label\naaa,0\nbbb,1\naaa,1\n"), "line 4: duplicate id aaa (first on line 2)");
  }

  @Test
  void idThatIsNotAFileName() throws IOException {
    assertError(write("id,label\n../etc/passwd,0\n"), "line 2: id '../etc/passwd' is not a file name");
    assertError(write("id,label\n,0\n"), "line 2: empty id");
  }

  @Test
  void notUtf8() throws IOException {
    Path csv = tmp.resolve("latin1.csv");
    Files.write(csv, "id,label\nca\u00e9,0\n".getBytes(StandardCharsets.ISO_8859_1));
    assertError(csv, "not UTF-8 text");
  }

  @Test
  void idsCsvTakesTheFirstColumnNamedId() throws IOException {
    Path csv = write("id,label\nbbb,0\naaa,0\n");
    assertThat(LabelsCsv.readIds(csv)).containsExactly("bbb", "aaa");
    assertError(() -> LabelsCsv.readIds(write("name\nx\n")), "line 1: header is 'name', expected 'id' as the first column");
  }

  private Path write(String content) throws IOException {
    return Files.writeString(tmp.resolve("labels-" + System.nanoTime() + ".csv"), content, StandardCharsets.UTF_8);
  }

  private static void assertError(Path csv, String messagePart) {
    assertThatThrownBy(() -> LabelsCsv.readLabels(csv))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(csv.toString())
        .hasMessageContaining(messagePart);
  }

  private static void assertError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call).isInstanceOf(InputException.class).hasMessageContaining(messagePart);
  }
}
