package pcam.cli;

import java.nio.file.Path;
import pcam.interop.ScoringSetup;
import pcam.model.InputScale;
import pcam.model.ModelMetadata.OutputKind;
import pcam.util.PathGuard;
import picocli.CommandLine.Option;

/**
 * How to read a Keras SavedModel that does not follow pcam's contract, shared by {@code inspect},
 * {@code predict} and {@code evaluate} (mix in with {@code @Mixin}). Each choice given is stored
 * beside the model ({@code pcam-model.json}) and reused by later commands.
 */
public final class ModelChoiceOptions {
  @Option(names = "--input-scale", paramLabel = "SCALE",
      description = "Pixel values the model was trained on: raw (0..255), unit (x/255, the usual rescale=1/255), "
          + "imagenet ((x/255-mean)/std), caffe (BGR minus ImageNet means: VGG16/ResNet50 preprocess_input) or "
          + "tf (x/127.5-1). Default: what pcam-model.json says, else raw when the graph rescales its input "
          + "itself (a Keras Rescaling layer) or follows the contract; otherwise pcam asks for it. "
          + "Stored in the model's pcam-model.json (or pcam's cache for a read-only folder) and reused.")
  private String inputScale;

  @Option(names = "--positive-class", paramLabel = "INDEX|NAME",
      description = "The output class that means tumour: an index, or a name from the labels file. Default: "
          + "pcam-model.json, else 1 for a [N,1] sigmoid or [N,2] softmax; required for more classes. Stored and reused.")
  private String positiveClass;

  @Option(names = "--class-names", paramLabel = "FILE",
      description = "Class names, one per line in output order, for --positive-class NAME (e.g. a labels.txt). Default: "
          + "MODEL_DIR.labels.txt beside the model folder, else MODEL_DIR/labels.txt.")
  private Path labels;

  @Option(names = "--output-kind", paramLabel = "KIND",
      description = "probability or logit (pcam then applies sigmoid/softmax). Default: pcam-model.json, else read "
          + "from the graph (Sigmoid/Softmax last = probability, a Dense layer without activation = logit).")
  private String outputKind;

  /** The --class-names file, an input that no output may overwrite (null path when not given). */
  PathGuard.Role classNames() {
    return PathGuard.Role.of("--class-names", labels);
  }

  ScoringSetup.Choices toChoices() {
    return new ScoringSetup.Choices(
        inputScale == null ? null : InputScale.parse(inputScale),
        positiveClass,
        labels,
        outputKind == null ? null : OutputKind.parse(outputKind));
  }
}
