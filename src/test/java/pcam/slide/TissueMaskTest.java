package pcam.slide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TissueMaskTest {
  /** Recall and precision of the mask over mosaic-a's cells: a cell counts as tissue when 25% of it is. */
  @Test
  void maskCoversTissueCellsAndLeavesOutGlass() {
    try (Slide slide = Slide.open(Mosaic.slide())) {
      TissueMask mask = TissueMask.of(slide, slide.mpp());
      int tp = 0;
      int fp = 0;
      int fn = 0;
      int tumourHit = 0;
      for (Mosaic.Cell c : Mosaic.cells()) {
        boolean called = mask.fraction(c.x() * 2, c.y() * 2, 192) >= 0.25;
        if (c.isTissue()) {
          tp += called ? 1 : 0;
          fn += called ? 0 : 1;
          tumourHit += called && c.kind().equals("tumour") ? 1 : 0;
        } else {
          fp += called ? 1 : 0;
        }
      }
      double recall = tp / (double) (tp + fn);
      double precision = tp / (double) (tp + fp);
      System.out.printf("tissue mask vs cells.csv: recall %.3f (%d/%d), precision %.3f, tumour cells %d/27%n",
          recall, tp, tp + fn, precision, tumourHit);
      assertThat(fp).isZero();
      assertThat(recall).isGreaterThan(0.85);
      assertThat(tumourHit).isGreaterThanOrEqualTo(25);
      // The tissue area is that of the tissue cells, give or take the fat inside them.
      double cellMm2 = 96 * 0.972e-3 * 96 * 0.972e-3;
      double mm2 = mask.tissuePixels() * mask.scale() * mask.scale() * Math.pow(slide.mpp() * 1e-3, 2);
      assertThat(mm2).isBetween(0.5 * 156 * cellMm2, 156 * cellMm2);
    }
  }

  /** The early-stopping check agrees with the full count on every cell of mosaic-a, at several fractions. */
  @Test
  void hasTissueAgreesWithTheFraction() {
    try (Slide slide = Slide.open(Mosaic.slide())) {
      TissueMask mask = TissueMask.of(slide, slide.mpp());
      int decided = 0;
      for (Mosaic.Cell c : Mosaic.cells()) {
        byte[] px = slide.readRegion(1, c.x(), c.y(), 96, 96);
        double f = mask.tissueFraction(px, 0, 96 * 3, 96, 96);
        for (double min : new double[] {0.1, 0.25, 0.5, 0.9}) {
          assertThat(mask.hasTissue(px, 0, 96 * 3, 96, 96, min)).as("%s at %s (fraction %s)", c.id(), min, f).isEqualTo(f >= min);
          decided += f >= min ? 1 : 0;
        }
      }
      assertThat(decided).isPositive();
    }
  }

  @Test
  void otsuSplitsTwoPopulationsAndIsClamped() {
    // S = 0.1 (200,180,180) against S = 0.5 (200,100,100): Otsu cuts at 0.1, above the clamp -> 0.08.
    assertThat(TissueMask.otsuThreshold(twoPopulations(180, 100))).isEqualTo(TissueMask.MAX_THRESHOLD);
    // S = 0 against S = 0.1: the cut lies below 0.1 and is floored at 0.05.
    byte[] rgb = twoPopulations(200, 180);
    assertThat(TissueMask.otsuThreshold(rgb)).isEqualTo(TissueMask.MIN_THRESHOLD);
    TissueMask mask = TissueMask.fromThumbnail(rgb, 20, 10, 4);
    assertThat(mask.tissuePixels()).isEqualTo(100);
    // Columns alternate tissue / glass: any whole square is half tissue.
    assertThat(mask.fraction(0, 0, 80)).isCloseTo(0.5, within(1e-9));
    assertThat(mask.fraction(8, 8, 16)).isCloseTo(0.5, within(1e-9));
    // Black is never tissue, whatever its saturation.
    assertThat(TissueMask.isTissue((byte) 30, (byte) 0, (byte) 0, 0.05)).isFalse();
  }

  /** 200 pixels alternating (200, a, a) and (200, b, b). */
  private static byte[] twoPopulations(int a, int b) {
    byte[] rgb = new byte[200 * 3];
    for (int i = 0; i < 200; i++) {
      int v = i % 2 == 0 ? a : b;
      rgb[3 * i] = (byte) 200;
      rgb[3 * i + 1] = (byte) v;
      rgb[3 * i + 2] = (byte) v;
    }
    return rgb;
  }
}
