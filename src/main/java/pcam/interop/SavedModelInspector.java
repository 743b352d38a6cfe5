package pcam.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;
import pcam.util.InputException;

/**
 * Reads a SavedModel's {@code saved_model.pb} (without loading it into a session) and checks it
 * against pcam's signature contract: a {@code serving_default} images -> probability makes it
 * scorable; a {@code train_step} images, labels, learning_rate -> loss, accuracy as well makes it
 * fine-tunable. The verdict names the first thing that is missing, so users can fix the export.
 */
public final class SavedModelInspector {
  public static final String SERVE_TAG = "serve";
  public static final String SERVING = "serving_default";
  public static final String PROBABILITY = "probability";
  public static final String TRAIN_STEP = "train_step";
  public static final String IMAGES = "images";
  public static final String LABELS = "labels";
  public static final String LEARNING_RATE = "learning_rate";
  public static final String LOSS = "loss";
  public static final String ACCURACY = "accuracy";
  public static final String SAVE = "save";
  public static final String RESTORE = "restore";

  private SavedModelInspector() {}

  public enum Verdict {
    FINE_TUNABLE("fine-tunable"),
    SCORABLE("scorable"),
    NOT_USABLE("not usable");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One input or output of a signature; {@code dims} is null for unknown rank, -1 for an unknown size. */
  public record TensorSpec(String key, String tensorName, String dtype, List<Long> dims) {
    public String shape() {
      if (dims == null) {
        return "<unknown rank>";
      }
      StringBuilder s = new StringBuilder("[");
      for (int i = 0; i < dims.size(); i++) {
        s.append(i > 0 ? "," : "").append(dims.get(i) < 0 ? "?" : dims.get(i).toString());
      }
      return s.append(']').toString();
    }

    boolean isFloat() {
      return dtype.equals(dtypeName(DataType.DT_FLOAT));
    }

    int rank() {
      return dims == null ? -1 : dims.size();
    }
  }

  public record SignatureInfo(String key, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public TensorSpec input(String name) {
      return inputs.stream().filter(t -> t.key().equals(name)).findFirst().orElse(null);
    }

    public TensorSpec output(String name) {
      return outputs.stream().filter(t -> t.key().equals(name)).findFirst().orElse(null);
    }
  }

  /**
   * What inspection found.
   *
   * @param variables number of variables in the graph (VarHandleOp / VariableV2 nodes)
   * @param parameters total number of values they hold, counting only fully known shapes
   * @param variablesBytesOnDisk size of the {@code variables/} checkpoint files
   * @param inputHeight serving input height, -1 if unknown (any size) or not scorable
   */
  public record Report(
      String dir,
      List<String> tags,
      List<SignatureInfo> signatures,
      int variables,
      long parameters,
      long variablesBytesOnDisk,
      Verdict verdict,
      String reason,
      int inputHeight,
      int inputWidth,
      boolean hasSaver,
      Serving serving) {

    public SignatureInfo signature(String key) {
      return signatures.stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
    }

    Report with(Verdict newVerdict, String newReason, Serving newServing) {
      return new Report(dir, tags, signatures, variables, parameters, variablesBytesOnDisk, newVerdict, newReason,
          inputHeight, inputWidth, hasSaver, newServing);
    }
  }

  /**
   * {@code report} after proof that the model runs: loads it in a session (which restores every
   * variable, so a truncated or corrupt checkpoint fails here) and scores one black image through
   * serving_default. A failure makes the model not usable, with TensorFlow's first line as the
   * reason; an output width the signature left unknown is filled in. Reports that are already
   * not usable are returned as they are.
   */
  public static Report verifyLoads(Path dir, Report report) {
    if (report.verdict() == Verdict.NOT_USABLE || report.serving() == null) {
      return report;
    }
    Serving serving = report.serving();
    TensorSpec input = serving.input();
    long height = input.dims().get(1) > 0 ? input.dims().get(1) : 96;
    long width = input.dims().get(2) > 0 ? input.dims().get(2) : 96;
    Shape shape = Shape.of(1, height, width, 3);
    try (SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags(SERVE_TAG).load();
        Tensor images = input.isFloat() ? TFloat32.tensorOf(shape) : TUint8.tensorOf(shape);
        Result result = bundle.session().runner().feed(input.tensorName(), images).fetch(serving.output().tensorName()).run()) {
      Shape out = result.get(0).shape();
      int classes = out.numDimensions() == 2 ? (int) out.size(1) : out.numDimensions() == 1 ? 1 : -1;
      if (classes < 1 || out.size(0) != 1) {
        return report.with(Verdict.NOT_USABLE, SERVING + " output '" + serving.output().key() + "' is " + out
            + " for one image; pcam needs [N,K]", null);
      }
      Serving checked = new Serving(serving.input(), serving.output(), serving.contract(), classes, serving.endsIn(),
          serving.inputPreprocessing(), serving.firstOp(), serving.randomSources());
      return report.with(report.verdict(), report.reason(), checked);
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
      return report.with(Verdict.NOT_USABLE, "the SavedModel does not load and run (variables damaged or missing?): " + message, null);
    }
  }

  /**
   * How serving_default can score, read from the graph (null when it cannot).
   *
   * @param input the image input, float32 or uint8 [N,H,W,3]
   * @param output the class output: {@code probability} (the contract) or the only output, [N,K]
   * @param contract true when the output is the contract's {@code probability}: raw pixels in, a
   *     probability out, no configuration
   * @param classes K, -1 if the signature leaves it unknown
   * @param endsIn the op that computes the output inside the serving function (e.g. Softmax,
   *     Sigmoid, BiasAdd), null if the graph walk could not tell
   * @param inputPreprocessing what the graph does to the input before its first layer, e.g. "x*0.003921569+0
   *     (x/255, a Keras Rescaling layer) before Conv2D"; null when it feeds the input straight
   *     into a layer or the walk could not tell
   * @param firstOp the op the input reaches first after any preprocessing (e.g. Conv2D), null if unknown
   * @param randomSources where the serving function draws random numbers (e.g. "random_flip_1"):
   *     augmentation left active at inference; empty for a deterministic model
   */
  public record Serving(
      TensorSpec input, TensorSpec output, boolean contract, int classes, String endsIn, String inputPreprocessing, String firstOp,
      List<String> randomSources) {}

  /** Inspects {@code dir}; an {@link InputException} if it is not a complete SavedModel folder. */
  public static Report inspect(Path dir) {
    checkFolder(dir);
    SavedModel model = parse(dir.resolve("saved_model.pb"));
    if (model.getMetaGraphsCount() == 0) {
      throw new InputException(dir + ": saved_model.pb holds no MetaGraph (empty or truncated file?)");
    }
    List<String> tags = new ArrayList<>();
    MetaGraphDef serve = null;
    for (MetaGraphDef meta : model.getMetaGraphsList()) {
      List<String> metaTags = meta.getMetaInfoDef().getTagsList();
      tags.add(String.join(",", metaTags));
      if (serve == null && metaTags.contains(SERVE_TAG)) {
        serve = meta;
      }
    }
    long onDisk = folderSize(dir.resolve("variables"));
    if (serve == null) {
      return new Report(
          dir.toString(), tags, List.of(), 0, 0, onDisk, Verdict.NOT_USABLE,
          "no MetaGraph tagged 'serve' (tags: " + tags + ")", -1, -1, false, null);
    }
    List<SignatureInfo> signatures = signatures(serve);
    VariableStats variables = countVariables(serve);
    if (variables.count > 0 && !Files.isRegularFile(dir.resolve("variables/variables.index"))) {
      throw new InputException(dir + ": the graph has variables but variables/variables.index is missing (incomplete copy?)");
    }
    boolean hasSaver = !serve.getSaverDef().getRestoreOpName().isEmpty();
    Check check = check(signatures, hasSaver);
    Serving serving = check.verdict == Verdict.NOT_USABLE ? null : analyse(serve, signatures);
    return new Report(
        dir.toString(), tags, signatures, variables.count, variables.values, onDisk, check.verdict, check.reason,
        check.height, check.width, hasSaver, serving);
  }

  /** The serving input and output, and what the graph does at both ends. */
  private static Serving analyse(MetaGraphDef serve, List<SignatureInfo> signatures) {
    SignatureInfo serving = signatures.stream().filter(s -> s.key().equals(SERVING)).findFirst().orElseThrow();
    TensorSpec input = serving.inputs().get(0);
    TensorSpec output = classOutput(serving);
    ServingGraph graph = new ServingGraph(serve.getGraphDef());
    ServingGraph.Preprocessing pre = graph.preprocessing(input.tensorName());
    int classes = output.rank() == 2 ? output.dims().get(1).intValue() : output.rank() == 1 ? 1 : -1;
    return new Serving(
        input, output, output.key().equals(PROBABILITY), classes, graph.producer(output.tensorName()),
        pre != null && pre.rescales() ? pre.describe() : null, pre == null ? null : pre.firstOp(),
        graph.randomSources(output.tensorName()));
  }

  /** The contract's {@code probability}, else the only output; null when neither exists. */
  private static TensorSpec classOutput(SignatureInfo serving) {
    TensorSpec probability = serving.output(PROBABILITY);
    if (probability != null) {
      return probability;
    }
    return serving.outputs().size() == 1 ? serving.outputs().get(0) : null;
  }

  /** The folder checks every SavedModel consumer needs: present, has the graph and variables. */
  public static void checkFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InputException(dir + ": no such SavedModel folder");
    }
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new InputException(dir + ": not a SavedModel (no saved_model.pb)");
    }
    if (!Files.isDirectory(dir.resolve("variables"))) {
      throw new InputException(dir + ": SavedModel has no variables/ folder (incomplete copy?)");
    }
  }

  private static SavedModel parse(Path pb) {
    try (InputStream in = Files.newInputStream(pb)) {
      return SavedModel.parseFrom(in);
    } catch (IOException e) {
      throw new InputException(pb + ": cannot parse saved_model.pb (" + e.getMessage() + ")", e);
    }
  }

  private static List<SignatureInfo> signatures(MetaGraphDef meta) {
    // Sorted by key so that output is stable whatever the proto map order.
    Map<String, SignatureDef> sorted = new TreeMap<>(meta.getSignatureDefMap());
    sorted.remove("__saved_model_init_op");
    List<SignatureInfo> out = new ArrayList<>();
    sorted.forEach((key, def) -> out.add(new SignatureInfo(key, specs(def.getInputsMap()), specs(def.getOutputsMap()))));
    return out;
  }

  private static List<TensorSpec> specs(Map<String, TensorInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>();
    new TreeMap<>(infos).forEach((key, info) -> specs.add(new TensorSpec(key, info.getName(), dtypeName(info.getDtype()), dims(info.getTensorShape()))));
    return specs;
  }

  private static List<Long> dims(TensorShapeProto shape) {
    if (shape.getUnknownRank()) {
      return null;
    }
    return shape.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
  }

  static String dtypeName(DataType type) {
    return switch (type) {
      case DT_FLOAT -> "float32";
      case DT_DOUBLE -> "float64";
      case DT_HALF -> "float16";
      case DT_BFLOAT16 -> "bfloat16";
      case DT_INT8 -> "int8";
      case DT_UINT8 -> "uint8";
      case DT_INT16 -> "int16";
      case DT_INT32 -> "int32";
      case DT_INT64 -> "int64";
      case DT_BOOL -> "bool";
      case DT_STRING -> "string";
      case DT_RESOURCE -> "resource";
      default -> type.name().toLowerCase().replace("dt_", "");
    };
  }

  private record VariableStats(int count, long values) {}

  /** Distinct variables in the graph and the number of values they hold. */
  private static VariableStats countVariables(MetaGraphDef meta) {
    Set<String> seen = new LinkedHashSet<>();
    long values = 0;
    for (NodeDef node : meta.getGraphDef().getNodeList()) {
      String op = node.getOp();
      if (!op.equals("VarHandleOp") && !op.equals("VariableV2") && !op.equals("Variable")) {
        continue;
      }
      AttrValue sharedName = node.getAttrMap().get("shared_name");
      String id = sharedName != null && !sharedName.getS().isEmpty() ? sharedName.getS().toStringUtf8() : node.getName();
      if (!seen.add(id)) {
        continue;
      }
      AttrValue shape = node.getAttrMap().get("shape");
      List<Long> dims = shape == null ? null : dims(shape.getShape());
      if (dims != null && dims.stream().allMatch(d -> d >= 0)) {
        values += dims.stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
      }
    }
    return new VariableStats(seen.size(), values);
  }

  private static long folderSize(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Check(Verdict verdict, String reason, int height, int width) {}

  private static Check check(List<SignatureInfo> signatures, boolean hasSaver) {
    Map<String, SignatureInfo> byKey = new LinkedHashMap<>();
    signatures.forEach(s -> byKey.put(s.key(), s));
    SignatureInfo serving = byKey.get(SERVING);
    if (serving == null) {
      return notUsable("no " + SERVING + " signature (signatures: " + String.join(", ", byKey.keySet())
          + "); pcam scores through " + SERVING + ": one image batch [N,H,W,3] in, one class output [N,K] out");
    }
    // All of serving_default's problems at once, so one re-export can fix them.
    List<String> problems = new ArrayList<>();
    TensorSpec images = serving.inputs().size() == 1 ? serving.inputs().get(0) : null;
    long imageInputs = serving.inputs().stream().filter(SavedModelInspector::isImageBatch).count();
    if (images == null) {
      problems.add(SERVING + " takes " + serving.inputs().size() + " inputs " + keys(serving.inputs())
          + (imageInputs > 1 ? " (" + imageInputs + " of them images)" : "")
          + "; pcam feeds one: an image batch float32 or uint8 [N,H,W,3]");
    } else if (!isImageBatch(images)) {
      problems.add(SERVING + " input '" + images.key() + "' is " + images.dtype() + " " + images.shape()
          + "; pcam feeds an image batch float32 or uint8 [N,H,W,3] (RGB patches)");
    }
    TensorSpec output = classOutput(serving);
    if (output == null) {
      problems.add(SERVING + " has " + serving.outputs().size() + " outputs " + keys(serving.outputs())
          + " and none named '" + PROBABILITY + "'; pcam needs one class output [N,K]");
    } else if (output.key().equals(PROBABILITY)
        && !(output.isFloat() && (output.rank() == -1 || output.rank() == 2 && output.dims().get(1) <= 1))) {
      problems.add(SERVING + " output 'probability' is " + output.dtype() + " " + output.shape()
          + ", the contract needs float32 [N,1]");
    } else if (!output.isFloat() || !(output.rank() == 2 || output.rank() == 1)) {
      problems.add(SERVING + " output '" + output.key() + "' is " + output.dtype() + " " + output.shape()
          + "; pcam needs class scores float32 [N,K]");
    }
    if (!problems.isEmpty()) {
      return notUsable(String.join("; ", problems));
    }
    if (!output.key().equals(PROBABILITY)) {
      return new Check(
          Verdict.SCORABLE, SERVING + " takes one image batch and gives one output '" + output.key() + "' " + output.shape()
              + "; not fine-tunable: no '" + PROBABILITY + "' output and " + TRAIN_STEP + " (see keras-export/)",
          images.dims().get(1).intValue(), images.dims().get(2).intValue());
    }
    int height = images.dims().get(1).intValue();
    int width = images.dims().get(2).intValue();
    String notTunable = trainStepProblem(byKey.get(TRAIN_STEP), images, hasSaver);
    if (notTunable != null) {
      return new Check(Verdict.SCORABLE, SERVING + " matches the contract; not fine-tunable: " + notTunable, height, width);
    }
    String saveRestore = byKey.containsKey(SAVE) && byKey.containsKey(RESTORE) ? "with" : "without";
    return new Check(
        Verdict.FINE_TUNABLE, SERVING + " and " + TRAIN_STEP + " match the contract (" + saveRestore + " save/restore signatures)",
        height, width);
  }

  /** Why train_step cannot be used, or null when it matches the contract. */
  private static String trainStepProblem(SignatureInfo train, TensorSpec servingImages, boolean hasSaver) {
    if (train == null) {
      return "no " + TRAIN_STEP + " signature";
    }
    List<String> missing = new ArrayList<>();
    for (String name : List.of(IMAGES, LABELS, LEARNING_RATE)) {
      if (train.input(name) == null) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      return TRAIN_STEP + " lacks " + String.join(", ", missing) + " (inputs: " + keys(train.inputs()) + ")";
    }
    for (String name : List.of(LOSS, ACCURACY)) {
      if (train.output(name) == null) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      return TRAIN_STEP + " lacks output " + String.join(", ", missing) + " (outputs: " + keys(train.outputs()) + ")";
    }
    TensorSpec images = train.input(IMAGES);
    if (!isFloatImageBatch(images) || !isFloatImageBatch(servingImages)
        || !images.dims().subList(1, 4).equals(servingImages.dims().subList(1, 4))) {
      return TRAIN_STEP + " images are " + images.dtype() + " " + images.shape() + ", serving_default takes float32 "
          + servingImages.shape();
    }
    TensorSpec labels = train.input(LABELS);
    if (!labels.isFloat() || !(labels.rank() == -1 || labels.rank() == 2 && labels.dims().get(1) <= 1)) {
      return TRAIN_STEP + " labels are " + labels.dtype() + " " + labels.shape() + ", the contract needs float32 [N,1]";
    }
    TensorSpec rate = train.input(LEARNING_RATE);
    if (!rate.isFloat() || rate.rank() > 0) {
      return TRAIN_STEP + " learning_rate is " + rate.dtype() + " " + rate.shape() + ", the contract needs a float32 scalar";
    }
    if (!hasSaver) {
      return "the SavedModel has no saver, so fine-tuned weights could not be saved";
    }
    return null;
  }

  private static boolean isImageBatch(TensorSpec t) {
    return (t.isFloat() || t.dtype().equals(dtypeName(DataType.DT_UINT8))) && t.rank() == 4 && t.dims().get(3) == 3;
  }

  private static boolean isFloatImageBatch(TensorSpec t) {
    return t.isFloat() && t.rank() == 4 && t.dims().get(3) == 3;
  }

  private static String keys(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::key).toList().toString();
  }

  private static Check notUsable(String reason) {
    return new Check(Verdict.NOT_USABLE, reason, -1, -1);
  }
}
