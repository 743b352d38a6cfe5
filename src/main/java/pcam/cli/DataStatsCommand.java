package pcam.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import pcam.data.BadPatchException.Problem;
import pcam.data.ContactSheet;
import pcam.data.DataSpec;
import pcam.data.Datasets;
import pcam.data.PatchReader;
import pcam.data.Subsets;
import pcam.util.AtomicFiles;
import pcam.util.InputException;
import pcam.util.PathGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Load a labelled dataset as training would and report each step: class counts, ids without an image,"
            + " images that are unreadable, wrong-size or not RGB (always counted and skipped here, never fatal),"
            + " the cleaning outcome and the train/validation split. Writes a PNG contact sheet of a few patches"
            + " per class with the centre 32x32 (the region that decides the label) outlined. With --augment (or any"
            + " augmentation knob), also augmented.png beside it: each row a patch, then 7 random draws.")
public final class DataStatsCommand implements Callable<Integer>, UsesFiles {
  @Spec private CommandSpec spec;
  @Mixin private DataOptions data;
  @Mixin private AugmentOptions augment;

  @Option(names = "--sheet", paramLabel = "FILE", description = "Contact sheet PNG. Default: contact-sheet.png in --out.")
  private Path sheet;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Folder for the contact sheet.")
  private Path out;

  @Option(names = "--per-class", paramLabel = "N", defaultValue = "8", description = "Patches per class on the sheet.")
  private int perClass;

  private static final List<String> AUGMENT_FLAGS =
      List.of("--augment", "--stain-jitter", "--color-jitter", "--rotation", "--no-hflip", "--no-vflip");
  /** Augmented draws per row of the augmentation sheet. */
  private static final int DRAWS = 7;

  private Path sheetFile() {
    return sheet != null ? sheet : out.resolve("contact-sheet.png");
  }

  /** augmented.png beside the contact sheet. */
  private Path augmentedFile() {
    Path parent = sheetFile().toAbsolutePath().getParent();
    return parent.resolve("augmented.png");
  }

  private boolean showAugmentation() {
    return spec.commandLine().getParseResult().matchedOptions().stream().anyMatch(o -> AUGMENT_FLAGS.contains(o.longestName()));
  }

  @Override
  public List<PathGuard.Role> inputs() {
    return data.inputs();
  }

  @Override
  public List<PathGuard.Role> outputs() {
    List<PathGuard.Role> roles = new java.util.ArrayList<>(List.of(PathGuard.Role.of(sheet != null ? "--sheet" : "--out", sheetFile())));
    if (showAugmentation()) {
      roles.add(PathGuard.Role.of("--augment", augmentedFile()));
    }
    return roles;
  }

  @Override
  public Integer call() {
    if (perClass < 1 || perClass > 64) {
      throw new InputException("--per-class must be within 1..64, got " + perClass);
    }
    DataSpec given = data.toSpec();
    Path png = sheetFile();
    if (sheet != null && Files.isDirectory(sheet)) {
      throw new InputException("--sheet " + sheet + " is a folder, expected a PNG file name");
    }
    if (sheet == null && Files.exists(out) && !Files.isDirectory(out)) {
      throw new InputException("--out " + out + " is an existing file, expected a folder");
    }
    AtomicFiles.requireCreatable(sheet != null ? sheet : out, sheet != null ? "--sheet" : "--out");
    pcam.data.Augmentation augmentation = showAugmentation() ? augment.toAugmentation() : null;
    // Stats counts problems instead of stopping at the first one.
    DataSpec dataSpec = new DataSpec(given.labelsCsv(), given.imagesDir(), given.limit(), given.sample(),
        given.valFraction(), given.seed(), given.darkThreshold(), given.brightThreshold(), true, true, given.cache());
    Datasets.Loaded loaded = Datasets.load(dataSpec);
    Datasets.LoadReport report = loaded.report();
    Datasets.Split split = Subsets.stratifiedSplit(loaded.patches(), dataSpec.valFraction(), dataSpec.seed());
    ContactSheet.write(png, ContactSheet.rowsByClass(loaded.patches(), perClass), PatchReader.SIZE, PatchReader.SIZE);
    if (augmentation != null) {
      ContactSheet.write(augmentedFile(), ContactSheet.augmentedRows(loaded.patches(), Math.min(perClass, 3), augmentation,
          DRAWS, dataSpec.seed()), PatchReader.SIZE, PatchReader.SIZE);
    }

    PrintWriter w = spec.commandLine().getOut();
    w.printf("labels      %s%n", dataSpec.labelsCsv());
    w.printf("images      %s%n", dataSpec.imagesDir());
    w.printf("csv rows    %s%n", report.inCsv());
    if (dataSpec.limit() != null) {
      w.printf("limit       first %d rows: %s%n", dataSpec.limit(), report.afterLimit());
    }
    w.printf("missing     %d ids without an image%s%n", report.missingIds().size(), first(report.missingIds()));
    Map<Problem, Long> byProblem = new TreeMap<>(report.badImages().stream()
        .collect(Collectors.groupingBy(Datasets.BadImage::problem, Collectors.counting())));
    w.printf("images      %d decoded: %s; %d unreadable (incl. truncated/not TIFF), %d wrong size, %d not RGB%s%n",
        report.decoded().total(), report.decoded(), byProblem.getOrDefault(Problem.UNREADABLE, 0L),
        byProblem.getOrDefault(Problem.WRONG_SIZE, 0L), byProblem.getOrDefault(Problem.NOT_RGB, 0L),
        first(report.badImages().stream().map(b -> b.id() + " (" + b.detail() + ")").toList()));
    w.printf("cleaning    dropped %d: %d near-black (max < %d), %d near-white (min > %d); kept %s%n",
        report.droppedDark() + report.droppedBright(), report.droppedDark(), dataSpec.darkThreshold(),
        report.droppedBright(), dataSpec.brightThreshold(), report.afterCleaning());
    if (dataSpec.sample() != null) {
      w.printf("sample      %s (seed %d)%n", report.loaded(), dataSpec.seed());
    }
    w.printf("split       train %s, validation %s (val fraction %s, seed %d)%n",
        split.train().describe(), split.validation().describe(), dataSpec.valFraction(), dataSpec.seed());
    w.printf("sheet       %s%n", png.toAbsolutePath().normalize());
    if (augmentation != null) {
      w.printf("augmented   %s (%s)%n", augmentedFile().normalize(), augmentation.describe());
    }
    w.flush();
    return ExitCodes.OK;
  }

  private static String first(java.util.List<String> items) {
    if (items.isEmpty()) {
      return "";
    }
    return " (first: " + String.join(", ", items.subList(0, Math.min(3, items.size()))) + (items.size() > 3 ? ", ..." : "") + ")";
  }
}
