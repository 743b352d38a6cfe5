package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.slide.Mosaic;
import pcam.slide.SlideFixtures;

class SlideInfoCommandTest {
  @Test
  void printsLevelsOfMosaic() {
    CliRun r = CliRun.run("slide", "info", Mosaic.slide().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("TIFF, 5 levels, level 0 at 0.4860 µm/px");
    assertThat(r.out()).containsPattern("1\\s+1920x1344\\s+256x256\\s+JPEG\\s+2.000\\s+0.9720");
    assertThat(r.out()).containsPattern("4\\s+240x168\\s+256x256\\s+JPEG\\s+16.000\\s+7.7760");
  }

  @Test
  void strippedTiffIsRejectedSayingWhatItIs(@TempDir Path tmp) {
    Path stripped = SlideFixtures.write(tmp.resolve("s.tif"), 300, 200, 1, 0, "Deflate", 0.5);
    CliRun r = CliRun.run("slide", "info", stripped.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("stripped (not tiled) TIFF, 300x200");
  }
}
