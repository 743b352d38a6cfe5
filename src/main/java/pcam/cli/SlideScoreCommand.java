package pcam.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.eval.Predictor;
import pcam.model.SavedModelScorer;
import pcam.slide.LevelChoice;
import pcam.slide.ModelResolution;
import pcam.slide.SlideJob;
import pcam.slide.SlideOutputs;
import pcam.slide.SlideScorer;
import pcam.slide.TissueMask;
import pcam.util.AtomicFiles;
import pcam.util.InputException;
import pcam.util.PathGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Score a whole-slide image (pyramidal TIFF: tiled, JPEG/LZW/Deflate/none, classic or BigTIFF) with any model"
          + " pcam can score, and write a tumour heatmap.",
      "",
      "Level: the pyramid level whose µm/px is closest to the model's (its pcam-model.json 'mpp', else PCam's 0.972)"
          + " is used when within " + (int) (100 * LevelChoice.TOLERANCE) + "%; otherwise the nearest finer level is read"
          + " and windows are resampled. Tissue: a low-resolution mask (Otsu on HSV saturation clamped to ["
          + TissueMask.MIN_THRESHOLD + ", " + TissueMask.MAX_THRESHOLD + "], black excluded) picks the windows to read; each window is then checked at full"
          + " resolution with the same rule, so glass is never scored. Windows are the model's input size on a grid"
          + " anchored at the slide's origin. Memory stays bounded whatever the slide's size; tiles are decoded on"
          + " background threads while the model scores.",
      "",
      "Writes into --out: tiles.csv (x,y,size,level,probability; x, y, size in level-0 pixels), heatmap.png,"
          + " tissue.png, regions.geojson (tumour regions above --threshold, level-0 polygons, QuPath-importable),"
          + " summary.json and report.html. With a folder for --slide, every slide in it goes to OUT/<slide>/ and"
          + " slides whose summary.json exists are skipped (resumable). An unreadable tile is reported with its"
          + " position and the rest of the slide is scored. Ctrl-C stops cleanly (exit 130) and writes nothing for"
          + " the unfinished slide."
    })
public final class SlideScoreCommand implements Callable<Integer>, UsesFiles {
  private static final Logger log = LoggerFactory.getLogger(SlideScoreCommand.class);
  private static final List<String> EXTENSIONS = List.of(".tif", ".tiff", ".svs", ".btf", ".tf8");
  static final int INTERRUPTED = 130;

  @Spec private CommandSpec spec;

  @Mixin private ScoringOptions scoring;

  @Option(names = "--model", required = true, paramLabel = "M", description = "Run directory (its model/ is used) or SavedModel folder.")
  private Path model;

  @Option(names = "--slide", required = true, paramLabel = "S", description = "A slide file, or a folder: every .tif/.tiff/.svs/.btf in it.")
  private Path slide;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (one sub-folder per slide when --slide is a folder).")
  private Path out;

  @Option(names = "--mpp", paramLabel = "F", description = "µm/px the model was trained at (default: its pcam-model.json 'mpp', else PCam's 0.972).")
  private Double mpp;

  @Option(names = "--slide-mpp", paramLabel = "F", description = "µm/px of the slide's level 0, for slides without resolution tags (overrides the tags).")
  private Double slideMpp;

  @Option(names = "--level", paramLabel = "N", description = "Read this pyramid level as it is, whatever its resolution (default: chosen from the model's µm/px).")
  private Integer level;

  @Option(names = "--stride", paramLabel = "PX", description = "Grid step in model pixels (default: the model's input size, i.e. windows side by side).")
  private Integer stride;

  @Option(names = "--min-tissue", paramLabel = "F", defaultValue = "0.25",
      description = "Fraction of a window that must be tissue for it to be scored.")
  private double minTissue;

  @Option(names = "--threshold", paramLabel = "P", defaultValue = "0.5", description = "Probability above which a window is tumour (regions.geojson, tumour area).")
  private double threshold;

  @Override
  public List<PathGuard.Role> inputs() {
    return List.of(ModelArgument.input("--model", model), PathGuard.Role.of("--slide", slide), scoring.model.classNames());
  }

  @Override
  public List<PathGuard.Role> outputs() {
    return List.of(PathGuard.Role.of("--out", out));
  }

  @Override
  public Integer call() {
    Predictor.Options options = scoring.toOptions();
    SlideJob.Settings settings = new SlideJob.Settings(model.toString(),
        ModelResolution.of(ModelArgument.savedModelDir(model), mpp), slideMpp, level, stride, minTissue,
        threshold, options.batchSize(), options.tta(), options.threads());
    List<Path> slides = slides();
    boolean folder = Files.isDirectory(slide);
    checkOutputs();
    PrintWriter stdout = spec.commandLine().getOut();
    AtomicReference<SlideScorer> running = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread hook = new Thread(() -> {
      stop.set(true);
      SlideScorer s = running.get();
      if (s != null) {
        s.requestStop();
      }
      try {
        finished.await(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "pcam-slide-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int failed = 0;
    try (SavedModelScorer scorer = ModelArgument.open(model, scoring.model.toChoices())) {
      for (Path file : slides) {
        if (stop.get()) {
          return INTERRUPTED;
        }
        Path dir = folder ? out.resolve(stem(file)) : out;
        if (folder && Files.isRegularFile(dir.resolve(SlideOutputs.SUMMARY))) {
          stdout.println("skip " + file + ": " + dir.resolve(SlideOutputs.SUMMARY) + " exists");
          continue;
        }
        Map<String, Object> summary;
        try {
          summary = SlideJob.run(file, dir, scorer, settings, s -> {
            running.set(s);
            if (stop.get()) {
              s.requestStop();
            }
          });
        } catch (InputException e) {
          if (!folder) {
            throw e;
          }
          log.error("{}", e.getMessage());
          stdout.println("failed " + file + ": " + e.getMessage());
          failed++;
          continue;
        }
        if (summary == null) {
          stdout.println("interrupted: " + file + " not finished, nothing written for it");
          return INTERRUPTED;
        }
        stdout.printf(Locale.ROOT, "%s: level %s (%s µm/px), %s windows scored, max probability %s, slide score %s,"
                + " tumour %s mm² of %s mm² tissue -> %s%n", file.getFileName(), summary.get("level"), summary.get("level_mpp"),
            summary.get("windows_scored"), summary.get("max_probability"), summary.get("slide_score"),
            summary.get("tumour_area_mm2"), summary.get("tissue_area_mm2"), dir);
        stdout.flush();
      }
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running and waits on `finished`, counted down above.
      }
    }
    if (failed > 0) {
      throw new InputException(failed + " of " + slides.size() + " slides in " + slide + " could not be scored (see above)");
    }
    return ExitCodes.OK;
  }

  private List<Path> slides() {
    if (Files.isRegularFile(slide)) {
      return List.of(slide);
    }
    if (!Files.isDirectory(slide)) {
      throw new InputException(slide + ": no such slide file or folder");
    }
    try (Stream<Path> files = Files.list(slide)) {
      List<Path> found = files.filter(Files::isRegularFile)
          .filter(p -> EXTENSIONS.stream().anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
          .sorted().toList();
      if (found.isEmpty()) {
        throw new InputException(slide + ": no slides in this folder (looked for " + String.join(", ", EXTENSIONS) + ")");
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + slide, e);
    }
  }

  /** Inputs are guarded by {@link PathGuard} (see {@link #outputs()}); here: --out must be a usable folder. */
  private void checkOutputs() {
    if (Files.isRegularFile(out)) {
      throw new InputException("--out " + out + ": is a file; --out names a folder");
    }
    AtomicFiles.requireCreatable(out, "--out");
  }

  private static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
