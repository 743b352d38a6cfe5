package pcam.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import pcam.data.Batch;
import pcam.util.InputException;

/**
 * Scores with any SavedModel that has the scoring contract: signature {@code serving_default}
 * taking one float32 image batch [N,H,W,3] (RGB, 0..255) and returning {@code probability} [N,1].
 * Works for models pcam exports and for Keras exports alike.
 */
public final class SavedModelScorer implements ScoringModel {
  public static final String SERVING_KEY = Signature.DEFAULT_KEY;
  public static final String PROBABILITY = "probability";

  private final SavedModelBundle bundle;
  private final String inputTensor;
  private final String outputTensor;
  private final int height;
  private final int width;

  private SavedModelScorer(SavedModelBundle bundle, Signature serving, Path dir) {
    this.bundle = bundle;
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
    this.inputTensor = input.name;
    this.outputTensor = output.name;
    // Unknown spatial dims mean the model takes any size: feed the patches as they are (96).
    this.height = shape.size(1) > 0 ? (int) shape.size(1) : 96;
    this.width = shape.size(2) > 0 ? (int) shape.size(2) : 96;
  }

  /** Loads {@code dir} (tag "serve") and checks the scoring contract, naming what is missing. */
  public static SavedModelScorer load(Path dir) {
    return load(dir, null);
  }

  /** As {@link #load(Path)}, with session options (device, threads); null for TensorFlow's defaults. */
  public static SavedModelScorer load(Path dir, ConfigProto config) {
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
      Signature serving =
          bundle.signatures().stream()
              .filter(s -> s.key().equals(SERVING_KEY))
              .findFirst()
              .orElseThrow(() -> new InputException(dir + ": SavedModel has no serving_default signature"));
      return new SavedModelScorer(bundle, serving, dir);
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
    return height;
  }

  @Override
  public int inputWidth() {
    return width;
  }

  public SavedModelBundle bundle() {
    return bundle;
  }

  @Override
  public float[] predict(Batch batch) {
    if (batch.height() != height || batch.width() != width) {
      throw new IllegalArgumentException(
          "batch is " + batch.height() + "x" + batch.width() + ", model takes " + height + "x" + width);
    }
    float[] probabilities = new float[batch.count()];
    try (TFloat32 images = toFloatImages(batch);
        Result result = bundle.session().runner().feed(inputTensor, images).fetch(outputTensor).run()) {
      TFloat32 out = (TFloat32) result.get(0);
      out.asRawTensor().data().asFloats().read(probabilities);
    }
    return probabilities;
  }

  /**
   * uint8 pixels to float32 0..255, the contract's input. Converted one image at a time straight
   * into the tensor's memory: a whole-batch float[] (7 MB at batch 64) would be allocated, zeroed
   * and copied again for every batch scored.
   */
  public static TFloat32 toFloatImages(Batch batch) {
    byte[] pixels = batch.pixels();
    TFloat32 images = TFloat32.tensorOf(Shape.of(batch.count(), batch.height(), batch.width(), 3));
    try {
      FloatDataBuffer target = images.asRawTensor().data().asFloats();
      float[] image = new float[batch.height() * batch.width() * 3];
      for (int start = 0; start < pixels.length; start += image.length) {
        for (int i = 0; i < image.length; i++) {
          image[i] = pixels[start + i] & 0xff;
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
