package pcam.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;
import pcam.data.Batch;
import pcam.util.InputException;

/**
 * Scores with a SavedModel's serving function as a {@link ServingSpec} says: one image input
 * (float32 fed at the spec's {@link InputScale}, or uint8), one output whose row becomes the
 * probability of the positive class. {@link #load(Path)} takes pcam's signature contract
 * ({@code serving_default}: images float32 [N,H,W,3] 0..255 -> {@code probability} [N,1]), the
 * zero-configuration case; any other Keras classifier comes with a spec from {@code
 * pcam.interop.ScoringSetup}.
 */
public final class SavedModelScorer implements ScoringModel {
  public static final String SERVING_KEY = Signature.DEFAULT_KEY;
  public static final String PROBABILITY = "probability";

  private final SavedModelBundle bundle;
  private final ServingSpec spec;

  private SavedModelScorer(SavedModelBundle bundle, ServingSpec spec) {
    this.bundle = bundle;
    this.spec = spec;
  }

  /** The contract's spec from the loaded serving signature, naming what is missing. */
  private static ServingSpec contractSpec(Signature serving, Path dir) {
    if (serving.getInputs().size() != 1) {
      throw new InputException(dir + ": serving_default must take exactly one input (images), has " + serving.inputNames());
    }
    Signature.TensorDescription input = serving.getInputs().values().iterator().next();
    Signature.TensorDescription output = serving.getOutputs().get(PROBABILITY);
    if (output == null) {
      throw new InputException(dir + ": serving_default has no output named 'probability' (outputs: " + serving.outputNames() + ")");
    }
    Shape shape = input.shape;
    if (input.dataType != DataType.DT_FLOAT || shape.numDimensions() != 4 || shape.size(3) != 3) {
      throw new InputException(dir + ": serving_default input must be float32 [N,H,W,3], is " + input.dataType + " " + shape);
    }
    // Unknown spatial dims mean the model takes any size: feed the patches as they are (96).
    int height = shape.size(1) > 0 ? (int) shape.size(1) : 96;
    int width = shape.size(2) > 0 ? (int) shape.size(2) : 96;
    return new ServingSpec(input.name, false, height, width, output.name, 1, 1, ServingSpec.Activation.NONE, InputScale.RAW);
  }

  /** Loads {@code dir} (tag "serve") and checks the scoring contract, naming what is missing. */
  public static SavedModelScorer load(Path dir) {
    return load(dir, (ConfigProto) null);
  }

  /** As {@link #load(Path)}, with session options (device, threads); null for TensorFlow's defaults. */
  public static SavedModelScorer load(Path dir, ConfigProto config) {
    return load(dir, null, config);
  }

  /**
   * Loads {@code dir} (tag "serve") to score as {@code spec} says; a null spec means the
   * signature contract. Session options as for {@link #load(Path, ConfigProto)}.
   */
  public static SavedModelScorer load(Path dir, ServingSpec spec, ConfigProto config) {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new InputException(dir + ": not a SavedModel (no saved_model.pb)");
    }
    if (!Files.isDirectory(dir.resolve("variables"))) {
      throw new InputException(dir + ": SavedModel has no variables/ folder (incomplete copy?)");
    }
    SavedModelBundle bundle;
    try {
      SavedModelBundle.Loader loader = SavedModelBundle.loader(dir.toString()).withTags(SavedModelBundle.DEFAULT_TAG);
      bundle = (config == null ? loader : loader.withConfigProto(config)).load();
    } catch (RuntimeException e) {
      throw new InputException(dir + ": cannot load SavedModel: " + firstLine(e.getMessage()), e);
    }
    try {
      if (spec != null) {
        return new SavedModelScorer(bundle, spec);
      }
      Signature serving =
          bundle.signatures().stream()
              .filter(s -> s.key().equals(SERVING_KEY))
              .findFirst()
              .orElseThrow(() -> new InputException(dir + ": SavedModel has no serving_default signature"));
      return new SavedModelScorer(bundle, contractSpec(serving, dir));
    } catch (RuntimeException e) {
      bundle.close();
      throw e;
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  @Override
  public int inputHeight() {
    return spec.height();
  }

  @Override
  public int inputWidth() {
    return spec.width();
  }

  /** How this scorer feeds and reads the model. */
  public ServingSpec spec() {
    return spec;
  }

  public SavedModelBundle bundle() {
    return bundle;
  }

  @Override
  public float[] predict(Batch batch) {
    if (batch.height() != spec.height() || batch.width() != spec.width()) {
      throw new IllegalArgumentException(
          "batch is " + batch.height() + "x" + batch.width() + ", model takes " + spec.height() + "x" + spec.width());
    }
    try (Tensor images = spec.uint8Input() ? toUint8Images(batch) : toFloatImages(batch, spec.scale());
        Result result = bundle.session().runner().feed(spec.inputTensor(), images).fetch(spec.outputTensor()).run()) {
      Tensor out = result.get(0);
      Shape shape = out.shape();
      int k = shape.numDimensions() == 2 ? (int) shape.size(1) : shape.numDimensions() == 1 ? 1 : -1;
      if (k < 1 || shape.size(0) != batch.count() || !(out instanceof TFloat32)) {
        throw new InputException("the model's output " + spec.outputTensor() + " is " + out.dataType() + " " + shape
            + " for " + batch.count() + " images; pcam needs float32 [N,K]");
      }
      float[] values = new float[batch.count() * k];
      out.asRawTensor().data().asFloats().read(values);
      return spec.positiveProbabilities(values, batch.count(), k);
    }
  }

  /** uint8 pixels to float32 0..255, the contract's input (see {@link #toFloatImages(Batch, InputScale)}). */
  public static TFloat32 toFloatImages(Batch batch) {
    return toFloatImages(batch, InputScale.RAW);
  }

  private static TUint8 toUint8Images(Batch batch) {
    return TUint8.tensorOf(Shape.of(batch.count(), batch.height(), batch.width(), 3), DataBuffers.of(batch.pixels(), true, false));
  }

  /**
   * uint8 pixels to the float32 values {@code scale} prescribes, through one lookup table per
   * channel (caffe also swaps R and B). Converted one image at a time straight into the tensor's
   * memory: a whole-batch float[] (7 MB at batch 64) would be allocated, zeroed and copied again
   * for every batch scored.
   */
  public static TFloat32 toFloatImages(Batch batch, InputScale scale) {
    byte[] pixels = batch.pixels();
    float[][] tables = {scale.table(0), scale.table(1), scale.table(2)};
    int[] source = {scale.sourceChannel(0), scale.sourceChannel(1), scale.sourceChannel(2)};
    TFloat32 images = TFloat32.tensorOf(Shape.of(batch.count(), batch.height(), batch.width(), 3));
    try {
      FloatDataBuffer target = images.asRawTensor().data().asFloats();
      float[] image = new float[batch.height() * batch.width() * 3];
      for (int start = 0; start < pixels.length; start += image.length) {
        for (int i = 0; i < image.length; i += 3) {
          for (int c = 0; c < 3; c++) {
            image[i + c] = tables[c][pixels[start + i + source[c]] & 0xff];
          }
        }
        target.offset(start).write(image);
      }
      return images;
    } catch (RuntimeException e) {
      images.close();
      throw e;
    }
  }

  @Override
  public void close() {
    bundle.close();
  }

  /** For callers that need the raw session, e.g. inspection. */
  public Map<String, Signature.TensorDescription> servingInputs() {
    return bundle.function(SERVING_KEY).signature().getInputs();
  }
}
