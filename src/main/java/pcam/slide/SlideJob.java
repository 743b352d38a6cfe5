package pcam.slide;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.model.ScoringModel;
import pcam.util.InputException;

/**
 * One slide from file to outputs: open and check it, choose the level, build the tissue mask, score
 * the windows, write the folder. The settings record is filled by the CLI and only read here.
 */
public final class SlideJob {
  private static final Logger log = LoggerFactory.getLogger(SlideJob.class);

  /**
   * @param model a label for the model (its path), for summary.json
   * @param slideMpp level 0's µm/px when given on the command line (overrides the tags), else null
   * @param level a forced level, or null
   * @param stride the grid step in model pixels, or null for the window size
   */
  public record Settings(String model, ModelResolution modelResolution, Double slideMpp, Integer level, Integer stride,
      double minTissue, double threshold, int batchSize, pcam.eval.Tta tta, int threads) {
    public Settings {
      if (!(minTissue > 0) || minTissue > 1) {
        throw new InputException("--min-tissue " + minTissue + ": must be a fraction in (0, 1]");
      }
      if (!(threshold >= 0) || threshold > 1) {
        throw new InputException("--threshold " + threshold + ": must be a probability in [0, 1]");
      }
      if (stride != null && stride <= 0) {
        throw new InputException("--stride " + stride + ": must be a positive number of pixels");
      }
      if (slideMpp != null && (!(slideMpp > 0) || slideMpp > 100)) {
        throw new InputException("--slide-mpp " + slideMpp + ": must be a resolution in µm/px, > 0 and <= 100");
      }
    }

    public SlideScorer.Options scoring() {
      return new SlideScorer.Options(batchSize, tta, threads, minTissue);
    }
  }

  /** The summary written, or null when {@code scorer}'s stop was requested (nothing is written then). */
  public static Map<String, Object> run(Path slideFile, Path outDir, ScoringModel model, Settings settings,
      Consumer<SlideScorer> started) {
    try (Slide slide = Slide.open(slideFile)) {
      double slideMpp;
      String mppSource;
      if (settings.slideMpp() != null) {
        slideMpp = settings.slideMpp();
        mppSource = "--slide-mpp";
      } else if (slide.mpp() != null) {
        slideMpp = slide.mpp();
        mppSource = "resolution tags";
      } else {
        throw new InputException(slideFile + ": no resolution tags (XResolution/ResolutionUnit in cm or inch), so its"
            + " µm/px is unknown; give level 0's with --slide-mpp");
      }
      ModelResolution target = settings.modelResolution();
      if (target.source().startsWith("assumed")) {
        log.warn("model resolution {}", target.source());
      }
      int input = model.inputHeight();
      LevelChoice choice = LevelChoice.choose(slide.levels(), slideMpp, target.mpp(), input,
          settings.stride() == null ? input : settings.stride(), settings.level());
      log.info("{}: {} levels, level 0 at {} µm/px ({}); using level {}: {}", slideFile.getFileName(),
          slide.levels().size(), String.format("%.4f", slideMpp), mppSource, choice.level(), choice.reason());
      TissueMask mask = TissueMask.of(slide, slideMpp);
      log.info("tissue mask: {}; {} mm² of tissue", mask,
          String.format("%.2f", mask.tissuePixels() * mask.scale() * mask.scale() * slideMpp * slideMpp / 1e6));
      SlideScorer scorer = new SlideScorer(slide, mask, choice, model, settings.scoring());
      started.accept(scorer);
      SlideScorer.Result result = scorer.score();
      if (result.interrupted()) {
        return null;
      }
      SlideOutputs.Run run = new SlideOutputs.Run(slideFile, slide.format(), slideMpp, mppSource, settings.model(),
          target, choice, settings.scoring().tta().label(), settings.minTissue(), settings.threshold());
      return SlideOutputs.write(outDir, run, mask, result);
    }
  }
}
