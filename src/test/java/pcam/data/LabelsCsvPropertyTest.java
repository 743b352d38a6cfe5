package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import pcam.util.InputException;

/**
 * Whatever a labels or ids CSV holds, {@link LabelsCsv} returns rows or throws the tool's own
 * {@link InputException} naming the file, never a parser's exception. Inputs: random bytes
 * (including invalid UTF-8), random text over CSV's special characters, and valid CSVs with a
 * few characters changed.
 */
class LabelsCsvPropertyTest {
  private static final String VALID = "\uFEFFid,label\r\nf38a6374c348f90b587e046aac6079959adf3835,0\r\n"
      + "c18f2d887b7ae4f6742ee445113fa1aef383ed77,1\r\n\"755db6279dae599ebb4d39a9123cce439965282d\",0\n";

  @Property(tries = 200)
  void randomBytes(@ForAll("bytes") byte[] bytes) {
    assertParsesOrRejects(bytes);
  }

  @Property(tries = 300)
  void randomCsvLikeText(@ForAll("csvText") String text) {
    assertParsesOrRejects(text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 300)
  void validCsvWithCharactersChanged(@ForAll("mutatedCsv") String text) {
    assertParsesOrRejects(text.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(500);
  }

  @Provide
  Arbitrary<String> csvText() {
    return Arbitraries.strings().withChars("id,label01\"\r\n \t\uFEFF/\\.x\u00e9").ofMaxLength(200);
  }

  @Provide
  Arbitrary<String> mutatedCsv() {
    Arbitrary<Tuple.Tuple2<Integer, Character>> edit = Combinators.combine(
        Arbitraries.integers().between(0, VALID.length() - 1), Arbitraries.of(',', '"', '\r', '\n', '2', ' ', '\uFEFF', '/'))
        .as(Tuple::of);
    return edit.list().ofMinSize(1).ofMaxSize(5).map(edits -> {
      StringBuilder s = new StringBuilder(VALID);
      edits.forEach(e -> s.setCharAt(e.get1(), e.get2()));
      return s.toString();
    });
  }

  private static void assertParsesOrRejects(byte[] bytes) {
    Path csv;
    try {
      csv = Files.createTempFile("pcam-property-", ".csv");
      Files.write(csv, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      for (Function<Path, List<?>> reader : List.<Function<Path, List<?>>>of(LabelsCsv::readLabels, LabelsCsv::readIds)) {
        try {
          List<?> rows = reader.apply(csv);
          assertThat(rows).doesNotContainNull();
        } catch (InputException e) {
          assertThat(e.getMessage()).startsWith(csv + ": ");
        }
      }
    } finally {
      csv.toFile().delete();
    }
  }
}
