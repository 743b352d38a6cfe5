package pcam.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import pcam.interop.keras.KerasImport;
import pcam.model.Device;
import pcam.model.InputScale;
import pcam.model.KerasSpec;
import pcam.util.AtomicFiles;
import pcam.util.PathGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import-keras",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    sortOptions = false,
    description = {
      "Import a Keras model file into a pcam model folder that predict, evaluate, inspect, finetune and bench predict take.",
      "FILE is a Keras 2 full-model .h5 (model.save('x.h5') or ModelCheckpoint; model_config + model_weights) or a Keras 3"
          + " .keras archive (config.json + model.weights.h5). pcam rebuilds the model from its config with TensorFlow"
          + " Java and loads the weights by Keras's rules. Sequential and Functional models, branches, and a base model"
          + " nested as a layer are supported; layers: InputLayer, Conv2D, Max/AveragePooling2D, GlobalAverage/MaxPooling2D,"
          + " BatchNormalization, Dropout, SpatialDropout2D, Flatten, Dense, Activation, ReLU, LeakyReLU, ELU, Softmax,"
          + " Rescaling, ZeroPadding2D, Add, Concatenate, Multiply. Anything else is an error naming the layer and the"
          + " option: the import never produces a different model.",
      "The folder holds a SavedModel (serving_default: images float32 [N,H,W,3] RGB 0..255 -> probability [N,1]) with"
          + " the input scaling built in, and keras-model.json (layers, input scale, output column) for finetune.",
      "Output: [N,1] sigmoid is the probability; [N,2] softmax uses column 1; [N,K] needs --positive-class; a linear"
          + " output is taken as logits (sigmoid for one column, softmax for several)."
    })
public final class ImportKerasCommand implements Runnable, UsesFiles {
  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Keras model: .h5 (Keras 2, full model) or .keras (Keras 3).")
  private Path file;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder to create (must not exist).")
  private Path out;

  @Option(
      names = "--input-scale",
      paramLabel = "SCALE",
      description = "Pixel scale the model was trained on: raw (0..255), unit (x/255), imagenet (x/255 then ImageNet mean/std),"
          + " caffe (BGR minus ImageNet means), tf (-1..1). Required unless the model starts with a Rescaling layer.")
  private String inputScale;

  @Option(names = "--positive-class", paramLabel = "INDEX",
      description = "Output column meaning tumour. Default: the only column, or column 1 of a 2-class softmax.")
  private Integer positiveClass;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto", description = "auto | cpu | gpu | gpu:N")
  private String device;

  @Override
  public List<PathGuard.Role> inputs() {
    return List.of(PathGuard.Role.of("FILE", file));
  }

  @Override
  public List<PathGuard.Role> outputs() {
    return List.of(PathGuard.Role.of("--out", out));
  }

  @Override
  public void run() {
    AtomicFiles.requireCreatable(out, "--out");
    InputScale scale = inputScale == null ? null : InputScale.parse(inputScale);
    Device d = Device.parse(device);
    KerasSpec imported = KerasImport.run(file, out, new KerasImport.Options(scale, positiveClass), d.sessionConfig(0));
    PrintWriter w = spec.commandLine().getOut();
    long weights = imported.weighted().size();
    w.printf("imported %s (Keras %s): %d layers, %d with weights, input %dx%d%n", file, imported.kerasVersion(),
        imported.nodes().size(), weights, imported.height(), imported.width());
    w.printf("input scale: %s (from %s)%n", imported.inputScale().label() + ": " + imported.inputScale().formula(), imported.inputScaleSource());
    w.printf("output: %s%n", imported.head().describe());
    w.printf("wrote %s (SavedModel + %s)%n", out, KerasSpec.FILE);
    w.flush();
  }
}
