package pcam.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import pcam.interop.SavedModelInspector.Report;
import pcam.interop.SavedModelInspector.Serving;
import pcam.interop.SavedModelInspector.TensorSpec;
import pcam.interop.SavedModelInspector.Verdict;
import pcam.model.InputScale;
import pcam.model.ModelMetadata;
import pcam.model.ModelMetadata.OutputKind;
import pcam.model.ServingSpec;
import pcam.util.InputException;

/**
 * How pcam will score with a SavedModel: the graph's facts ({@link Report#serving()}), the user's
 * flags and the choices stored beside the model ({@link ModelMetadata}) resolved into a {@link
 * ServingSpec}, with one line per decision saying where it came from, and the flags still missing
 * when the graph cannot tell. Precedence for each decision: flag, then stored choice, then what
 * the signature contract or the graph shows; pcam never guesses beyond that.
 *
 * @param spec how to score; null while something is {@link #missing()}
 * @param lines "input ...", "scale ...", "output ...", "class ..." for {@code inspect} and the logs
 * @param missing the flags needed before pcam can score, each with the reason
 * @param toStore the stored record with the flags applied, when that differs from what is stored
 * @param warnings what makes the scores less trustworthy, e.g. random ops in the serving function
 */
public record ScoringSetup(ServingSpec spec, List<String> lines, List<String> missing, ModelMetadata toStore, List<String> warnings) {

  /** The user's scoring flags; null = not given. {@code positiveClass} is an index or a class name. */
  public record Choices(InputScale inputScale, String positiveClass, Path labels, OutputKind outputKind) {
    public static final Choices NONE = new Choices(null, null, null, null);

    ModelMetadata asMetadata(Integer positiveIndex) {
      return new ModelMetadata(inputScale, positiveIndex, outputKind, null);
    }
  }

  /** Ops that end a Keras Dense or Conv layer without an activation: the output is a logit. */
  private static final Set<String> LOGIT_OPS = Set.of("BiasAdd", "MatMul", "Add", "AddV2", "BatchMatMulV2", "Conv2D", "Mean");

  public boolean ready() {
    return spec != null;
  }

  /**
   * Resolves {@code report} (inspected from {@code dir}) against {@code choices} and the stored
   * record. An {@link InputException} for a flag that cannot apply (a class out of range or not in
   * the labels file, a scale on a uint8 input); a model that is not usable is an InputException too.
   */
  public static ScoringSetup resolve(Path dir, Report report, Choices choices) {
    if (report.verdict() == Verdict.NOT_USABLE || report.serving() == null) {
      throw new InputException(dir + ": pcam cannot score this SavedModel: " + report.reason());
    }
    Serving serving = report.serving();
    Optional<ModelMetadata.Stored> stored = ModelMetadata.find(dir);
    ModelMetadata kept = stored.map(ModelMetadata.Stored::metadata).orElse(ModelMetadata.EMPTY);
    String storedIn = stored.map(s -> "stored in " + s.file()).orElse("");
    List<String> lines = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    TensorSpec input = serving.input();
    boolean uint8 = !input.isFloat();
    int height = input.dims().get(1) > 0 ? input.dims().get(1).intValue() : 96;
    int width = input.dims().get(2) > 0 ? input.dims().get(2).intValue() : 96;
    lines.add("input   " + input.key() + " " + input.dtype() + " " + input.shape());

    // Input scale.
    InputScale scale = null;
    String scaleWhy;
    if (choices.inputScale() != null) {
      scale = choices.inputScale();
      scaleWhy = "from --input-scale";
    } else if (kept.inputScale() != null) {
      scale = kept.inputScale();
      scaleWhy = storedIn;
    } else if (uint8) {
      scale = InputScale.RAW;
      scaleWhy = "the input is uint8";
    } else if (serving.contract()) {
      scale = InputScale.RAW;
      scaleWhy = "the signature contract ('probability' output): preprocessing is inside the model";
    } else if (serving.inputPreprocessing() != null) {
      scale = InputScale.RAW;
      scaleWhy = "the graph rescales its input itself: " + serving.inputPreprocessing();
    } else {
      scaleWhy = null;
      missing.add("--input-scale " + String.join("|", InputScale.labels().split(", "))
          + ": the graph does not rescale its input (it goes straight into " + Objects.requireNonNullElse(serving.firstOp(), "the model")
          + "), so pcam cannot tell what the notebook fed it (rescale=1/255 is 'unit')");
    }
    if (scale != null) {
      if (uint8 && scale != InputScale.RAW) {
        throw new InputException("--input-scale " + scale + " cannot apply: " + input.key() + " is uint8, which only carries raw 0..255 pixels");
      }
      String also = scale != InputScale.RAW && serving.inputPreprocessing() != null
          ? "; note: the graph also rescales its input (" + serving.inputPreprocessing() + "), make sure it is not done twice" : "";
      lines.add("scale   " + scale + " (" + scale.formula() + "), " + scaleWhy + also);
    }

    // Output kind.
    TensorSpec output = serving.output();
    int classes = serving.classes();
    OutputKind kind = null;
    String kindWhy;
    if (choices.outputKind() != null) {
      kind = choices.outputKind();
      kindWhy = "from --output-kind";
    } else if (kept.outputKind() != null) {
      kind = kept.outputKind();
      kindWhy = storedIn;
    } else if (serving.contract()) {
      kind = OutputKind.PROBABILITY;
      kindWhy = "the signature contract";
    } else if ("Sigmoid".equals(serving.endsIn()) || "Softmax".equals(serving.endsIn())) {
      kind = OutputKind.PROBABILITY;
      kindWhy = "the serving function ends in " + serving.endsIn();
    } else if (serving.endsIn() != null && LOGIT_OPS.contains(serving.endsIn())) {
      kind = OutputKind.LOGIT;
      kindWhy = "the serving function ends in " + serving.endsIn() + ", not Sigmoid/Softmax";
    } else {
      kindWhy = null;
      missing.add("--output-kind probability|logit: the output is computed by "
          + Objects.requireNonNullElse(serving.endsIn(), "an op pcam could not find") + ", neither Sigmoid/Softmax nor a layer without activation");
    }
    ServingSpec.Activation activation = kind == OutputKind.LOGIT
        ? (classes == 1 ? ServingSpec.Activation.SIGMOID : ServingSpec.Activation.SOFTMAX)
        : ServingSpec.Activation.NONE;
    if (kind != null) {
      String applied = kind == OutputKind.PROBABILITY ? "used as they are" : "pcam applies " + activation.name().toLowerCase();
      lines.add("output  " + output.key() + " " + output.dtype() + " " + output.shape() + ": "
          + (kind == OutputKind.PROBABILITY ? "probabilities" : "logits") + " (" + kindWhy + "), " + applied);
    }

    // Positive class.
    List<String> names = labelNames(dir, choices.labels());
    Integer positive = null;
    String classWhy = null;
    if (choices.positiveClass() != null) {
      positive = positiveIndex(choices.positiveClass(), classes, output, names, dir, choices.labels());
      classWhy = "from --positive-class";
    } else if (kept.positiveClass() != null) {
      positive = kept.positiveClass();
      checkRange("positive_class " + positive + " (" + storedIn + ")", positive, classes, output, names);
      classWhy = storedIn;
    } else if (classes == 1 || classes == 2) {
      positive = 1;
      classWhy = classes == 1 ? "a single sigmoid output is the probability of class 1" : "two classes: column 1 is class 1";
    } else {
      missing.add("--positive-class INDEX|NAME: " + output.key() + " has " + (classes < 0 ? "an unknown number of" : classes)
          + " classes" + classList(classes, names) + "; which one is tumour?");
    }
    if (positive != null) {
      String name = positive < names.size() && (classes < 0 || names.size() == classes) ? " = " + names.get(positive) : "";
      String column = classes == 1 ? (positive == 1 ? "the output" : "1 - the output") : "column " + positive;
      lines.add("class   " + positive + name + ": " + column + " (" + classWhy + ")");
    }

    ModelMetadata flags = choices.asMetadata(choices.positiveClass() == null ? null : positive);
    ModelMetadata merged = kept.with(flags);
    ModelMetadata toStore = missing.isEmpty() && !merged.equals(kept) ? merged : null;
    ServingSpec spec = !missing.isEmpty() ? null
        : new ServingSpec(input.tensorName(), uint8, height, width, output.tensorName(), classes, positive, activation, scale);
    List<String> warnings = serving.randomSources().isEmpty() ? List.of()
        : List.of("the serving function draws random numbers (" + String.join(", ", serving.randomSources())
            + "): augmentation layers are active at inference, so a patch scores differently on each call;"
            + " re-export the model without them (or with training=False) for reproducible scores");
    return new ScoringSetup(spec, List.copyOf(lines), List.copyOf(missing), toStore, warnings);
  }

  /** Stores the flags' choices beside the model if they changed anything; the file written, if any. */
  public Optional<Path> remember(Path dir) {
    return toStore == null ? Optional.empty() : Optional.of(toStore.store(dir));
  }

  /** The spec, or an InputException listing the missing flags. */
  public ServingSpec requireSpec(Path dir) {
    if (spec == null) {
      throw new InputException(dir + ": pcam needs " + String.join("; and ", missing));
    }
    return spec;
  }

  private static int positiveIndex(String text, int classes, TensorSpec output, List<String> names, Path dir, Path labels) {
    String t = text.trim();
    int index;
    if (t.matches("-?\\d+")) {
      try {
        index = Integer.parseInt(t);
      } catch (NumberFormatException e) {
        index = Integer.MAX_VALUE;
      }
    } else {
      if (names.isEmpty()) {
        throw new InputException("--positive-class '" + t + "' is a name, but there is no labels file (" + labelsCandidates(dir, labels)
            + "): pass --class-names FILE (one class name per line, in output order) or an index");
      }
      index = names.indexOf(t);
      if (index < 0) {
        List<String> lower = names.stream().map(String::toLowerCase).toList();
        index = lower.indexOf(t.toLowerCase());
      }
      if (index < 0) {
        throw new InputException("--positive-class '" + t + "' is not a class name in " + labelsFile(dir, labels).orElseThrow()
            + " (classes: " + String.join(", ", names) + ")");
      }
      if (classes > 0 && names.size() != classes) {
        throw new InputException(labelsFile(dir, labels).orElseThrow() + " names " + names.size() + " classes but "
            + output.key() + " has " + classes + ": cannot look up '" + t + "'");
      }
    }
    checkRange("--positive-class " + index, index, classes, output, names);
    return index;
  }

  private static void checkRange(String what, int index, int classes, TensorSpec output, List<String> names) {
    int max = classes == 1 ? 1 : classes - 1;
    if (classes > 0 && (index < 0 || index > max)) {
      throw new InputException(what + " is out of range: " + output.key() + " " + output.shape() + " has "
          + (classes == 1 ? "one sigmoid column (0 or 1)" : classes + " classes (0.." + max + ")") + classList(classes, names));
    }
  }

  private static String classList(int classes, List<String> names) {
    if (classes <= 1 || names.size() != classes) {
      return "";
    }
    return IntStream.range(0, names.size()).mapToObj(i -> i + " " + names.get(i)).collect(Collectors.joining(", ", ": ", ""));
  }

  /**
   * Class names, one per line in output order: {@code labels} if given, else {@code DIR.labels.txt}
   * beside the model folder, else {@code DIR/labels.txt}; empty when there is none.
   */
  static List<String> labelNames(Path dir, Path labels) {
    Optional<Path> file = labelsFile(dir, labels);
    if (file.isEmpty()) {
      if (labels != null) {
        throw new InputException("--class-names " + labels + ": no such file");
      }
      return List.of();
    }
    try {
      List<String> names = Files.readAllLines(file.get(), StandardCharsets.UTF_8).stream()
          .map(String::strip).filter(line -> !line.isEmpty()).toList();
      if (names.isEmpty()) {
        throw new InputException(file.get() + ": labels file has no class names");
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.get(), e);
    }
  }

  private static Optional<Path> labelsFile(Path dir, Path labels) {
    if (labels != null) {
      return Files.isRegularFile(labels) ? Optional.of(labels) : Optional.empty();
    }
    Path absolute = dir.toAbsolutePath().normalize();
    Path beside = absolute.resolveSibling(absolute.getFileName() + ".labels.txt");
    if (Files.isRegularFile(beside)) {
      return Optional.of(dir.resolveSibling(dir.getFileName() + ".labels.txt"));
    }
    Path inside = dir.resolve("labels.txt");
    return Files.isRegularFile(inside) ? Optional.of(inside) : Optional.empty();
  }

  private static String labelsCandidates(Path dir, Path labels) {
    return labels != null ? labels.toString() : "looked for " + dir.resolveSibling(dir.getFileName() + ".labels.txt") + " and " + dir.resolve("labels.txt");
  }
}
