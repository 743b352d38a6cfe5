package pcam.slide;

import java.util.List;
import java.util.Locale;
import pcam.util.InputException;

/**
 * Which pyramid level windows are read from, and how big they are there. The level whose µm/px is
 * closest to the model's (in ratio) is used as it is when within {@link #TOLERANCE}; otherwise the
 * nearest finer level is read and each window resampled to the model's input size (a coarser level
 * would have to be upsampled and lose detail). {@code --level} forces a level, read as it is.
 *
 * @param level the level read
 * @param levelMpp that level's µm/px
 * @param windowPx a window's side in that level's pixels
 * @param stridePx the grid's step in that level's pixels
 * @param resample true when windows are resized to the model's input
 * @param reason why this level, for the log and summary.json
 */
public record LevelChoice(int level, double levelMpp, double downsample, int windowPx, int stridePx, boolean resample,
    String reason) {
  /** Relative µm/px difference within which a level is used without resampling. */
  public static final double TOLERANCE = 0.10;

  /**
   * @param slideMpp level 0's µm/px
   * @param modelMpp the resolution the model was trained at
   * @param input the model's input side in pixels
   * @param stride the grid step in model pixels
   * @param forced a level to use regardless, or null
   */
  public static LevelChoice choose(List<Slide.Level> levels, double slideMpp, double modelMpp, int input, int stride,
      Integer forced) {
    if (forced != null) {
      if (forced < 0 || forced >= levels.size()) {
        throw new InputException("--level " + forced + ": the slide has levels 0.." + (levels.size() - 1));
      }
      Slide.Level l = levels.get(forced);
      double mpp = slideMpp * l.downsample();
      return new LevelChoice(forced, mpp, l.downsample(), input, stride, false, String.format(Locale.ROOT,
          "forced by --level (%.3f µm/px, %+.0f%% from the model's %.3f)", mpp, 100 * (mpp / modelMpp - 1), modelMpp));
    }
    int closest = 0;
    for (int i = 1; i < levels.size(); i++) {
      if (Math.abs(Math.log(slideMpp * levels.get(i).downsample() / modelMpp))
          < Math.abs(Math.log(slideMpp * levels.get(closest).downsample() / modelMpp))) {
        closest = i;
      }
    }
    double closestMpp = slideMpp * levels.get(closest).downsample();
    double off = closestMpp / modelMpp - 1;
    if (Math.abs(off) <= TOLERANCE) {
      return new LevelChoice(closest, closestMpp, levels.get(closest).downsample(), input, stride, false,
          String.format(Locale.ROOT, "closest to the model's %.3f µm/px: level %d at %.3f µm/px (%+.1f%%, within %.0f%%)",
              modelMpp, closest, closestMpp, 100 * off, 100 * TOLERANCE));
    }
    int finer = 0;
    for (int i = 0; i < levels.size(); i++) {
      if (slideMpp * levels.get(i).downsample() <= modelMpp) {
        finer = i;
      }
    }
    Slide.Level l = levels.get(finer);
    double mpp = slideMpp * l.downsample();
    double scale = modelMpp / mpp;
    int window = Math.max(1, (int) Math.round(input * scale));
    int step = Math.max(1, (int) Math.round(stride * scale));
    return new LevelChoice(finer, mpp, l.downsample(), window, step, window != input, String.format(Locale.ROOT,
        "no level within %.0f%% of the model's %.3f µm/px (closest: level %d at %.3f, %+.1f%%): reading level %d at"
            + " %.3f µm/px and resampling %dpx windows to %dpx", 100 * TOLERANCE, modelMpp, closest, closestMpp, 100 * off,
        finer, mpp, window, input));
  }

  /** A window's side in level-0 pixels. */
  public int windowLevel0() {
    return (int) Math.round(windowPx * downsample);
  }
}
