package pcam.slide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegionsTest {
  @Test
  void adjacentSquaresMergeIntoOneRectangle() {
    List<Regions.Polygon> p = Regions.outline(new long[] {0, 10, 20}, new long[] {0, 0, 0}, 10);
    assertThat(p).hasSize(1);
    assertThat(p.get(0).outer()).hasSize(5); // four corners, closed
    assertThat(p.get(0).area()).isEqualTo(300);
    assertThat(p.get(0).holes()).isEmpty();
  }

  @Test
  void cornerContactGivesSeparatePolygons() {
    List<Regions.Polygon> p = Regions.outline(new long[] {0, 10}, new long[] {0, 10}, 10);
    assertThat(p).hasSize(2);
    assertThat(p).allSatisfy(q -> assertThat(q.area()).isEqualTo(100));
  }

  @Test
  void aRingHasAHole() {
    long[] xs = new long[8];
    long[] ys = new long[8];
    int n = 0;
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 3; x++) {
        if (x != 1 || y != 1) {
          xs[n] = 5 * x;
          ys[n++] = 5 * y;
        }
      }
    }
    List<Regions.Polygon> p = Regions.outline(xs, ys, 5);
    assertThat(p).hasSize(1);
    assertThat(p.get(0).holes()).hasSize(1);
    assertThat(p.get(0).area()).isEqualTo(8 * 25);
    // GeoJSON's right-hand rule: exterior counter-clockwise in (x, y) coordinates.
    assertThat(Regions.signedArea(p.get(0).outer())).isPositive();
    assertThat(Regions.signedArea(p.get(0).holes().get(0))).isNegative();
  }
}
