package pcam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import pcam.slide.Slide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Describe a whole-slide TIFF: format, and per pyramid level its size, tile size, compression, downsample"
          + " and µm/px (from the resolution tags of level 0). Exit code 2 when it is not a tiled pyramidal TIFF."
    })
public final class SlideInfoCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "SLIDE", description = "The slide file (.tif, .tiff, .svs, BigTIFF too).")
  private Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Slide slide = Slide.open(file)) {
      Double mpp = slide.mpp();
      out.printf("%s: %s, %d levels, level 0 at %s%n", file, slide.format(), slide.levels().size(),
          mpp == null ? "unknown µm/px (no resolution tags; pcam slide score needs --slide-mpp)" : String.format(java.util.Locale.ROOT, "%.4f µm/px", mpp));
      out.printf("%-6s %-14s %-10s %-12s %-11s %s%n", "level", "size", "tile", "compression", "downsample", "µm/px");
      for (Slide.Level l : slide.levels()) {
        out.printf(java.util.Locale.ROOT, "%-6d %-14s %-10s %-12s %-11.3f %s%n", l.index(), l.width() + "x" + l.height(),
            l.tileWidth() + "x" + l.tileHeight(), l.compression(), l.downsample(),
            mpp == null ? "-" : String.format(java.util.Locale.ROOT, "%.4f", mpp * l.downsample()));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
