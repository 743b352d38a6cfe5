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
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
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
      boolean hasSaver) {

    public SignatureInfo signature(String key) {
      return signatures.stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
    }
  }

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
          "no MetaGraph tagged 'serve' (tags: " + tags + ")", -1, -1, false);
    }
    List<SignatureInfo> signatures = signatures(serve);
    VariableStats variables = countVariables(serve);
    if (variables.count > 0 && !Files.isRegularFile(dir.resolve("variables/variables.index"))) {
      throw new InputException(dir + ": the graph has variables but variables/variables.index is missing (incomplete copy?)");
    }
    boolean hasSaver = !serve.getSaverDef().getRestoreOpName().isEmpty();
    Check check = check(signatures, hasSaver);
    return new Report(
        dir.toString(), tags, signatures, variables.count, variables.values, onDisk, check.verdict, check.reason,
        check.height, check.width, hasSaver);
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
      return notUsable("no " + SERVING + " signature (signatures: " + String.join(", ", byKey.keySet()) + ")");
    }
    // All of serving_default's problems at once, so one re-export can fix them.
    List<String> problems = new ArrayList<>();
    TensorSpec images = serving.inputs().size() == 1 ? serving.inputs().get(0) : null;
    if (images == null) {
      problems.add(SERVING + " takes " + serving.inputs().size() + " inputs " + keys(serving.inputs())
          + ", the contract takes one: images float32 [N,H,W,3]");
    } else if (!isImageBatch(images)) {
      problems.add(SERVING + " input '" + images.key() + "' is " + images.dtype() + " " + images.shape()
          + ", the contract needs float32 [N,H,W,3]");
    }
    TensorSpec probability = serving.output(PROBABILITY);
    if (probability == null) {
      problems.add(SERVING + " has no '" + PROBABILITY + "' output (outputs: " + keys(serving.outputs()) + ")");
    } else if (!probability.isFloat()
        || !(probability.rank() == -1 || probability.rank() == 2 && probability.dims().get(1) <= 1)) {
      problems.add(SERVING + " output 'probability' is " + probability.dtype() + " " + probability.shape()
          + ", the contract needs float32 [N,1]");
    }
    if (!problems.isEmpty()) {
      return notUsable(String.join("; ", problems));
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
    if (!isImageBatch(images) || !images.dims().subList(1, 4).equals(servingImages.dims().subList(1, 4))) {
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
    return t.isFloat() && t.rank() == 4 && t.dims().get(3) == 3;
  }

  private static String keys(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::key).toList().toString();
  }

  private static Check notUsable(String reason) {
    return new Check(Verdict.NOT_USABLE, reason, -1, -1);
  }
}
