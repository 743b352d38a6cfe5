package pcam.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathGuardTest {
  @TempDir Path tmp;

  /**
   * Against an independent rule on segment lists: two paths built from a tiny alphabet clash
   * exactly when one is a prefix of the other (neither exists, so nothing is resolved).
   */
  @Property(tries = 300)
  void clashesExactlyWhenOnePathIsAPrefixOfTheOther(
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 2) Integer> a,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 2) Integer> b) {
    Path base = Path.of("/nonexistent-pcam-guard-root");
    Path in = base;
    Path out = base;
    for (int s : a) {
      in = in.resolve("s" + s);
    }
    for (int s : b) {
      out = out.resolve("s" + s);
    }
    boolean prefix = a.size() <= b.size() ? b.subList(0, a.size()).equals(a) : a.subList(0, b.size()).equals(b);
    boolean clashed;
    try {
      PathGuard.requireApart(List.of(PathGuard.Role.of("--in", in)), List.of(PathGuard.Role.of("--out", out)));
      clashed = false;
    } catch (InputException e) {
      clashed = true;
    }
    assertThat(clashed).as(in + " vs " + out).isEqualTo(prefix);
  }

  @Test
  void siblingsWithACommonNamePrefixDoNotClash() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    PathGuard.requireApart(List.of(PathGuard.Role.of("--data", data)), List.of(PathGuard.Role.of("--out", tmp.resolve("data2"))));
    PathGuard.requireApart(List.of(PathGuard.Role.of("--data", data)), List.of(PathGuard.Role.of("--out", tmp.resolve("data.csv"))));
  }

  @Test
  void aDanglingLinkCountsAsWhereItPoints() throws IOException {
    Path images = Files.createDirectories(tmp.resolve("images"));
    Path dangling = Files.createSymbolicLink(tmp.resolve("out.csv"), images.resolve("new.csv"));
    assertThatThrownBy(() -> PathGuard.requireApart(
            List.of(PathGuard.Role.of("--images", images)), List.of(PathGuard.Role.of("--out", dangling))))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("--out " + dangling + " is inside the input --images " + images);
  }

  @Test
  void aLinkToTheInputNamesTheRealPath() throws IOException {
    Path labels = Files.writeString(tmp.resolve("labels.csv"), "id,label\n");
    Path link = Files.createSymbolicLink(tmp.resolve("link.csv"), labels);
    assertThatThrownBy(() -> PathGuard.requireApart(
            List.of(PathGuard.Role.of("--labels", labels)), List.of(PathGuard.Role.of("--sheet", link))))
        .hasMessage("--sheet " + link + " is the input --labels " + labels + " (same file after resolving links: "
            + labels.toRealPath() + "); pcam never writes over its inputs, choose another --sheet");
  }
}
