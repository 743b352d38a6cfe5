package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import pcam.data.Batch;
import pcam.data.PatchSet;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;

/**
 * The op profile against two independent counts: the FLOPs read off the traced ops' shapes must
 * equal {@link FlopCount}'s count from the layer list, for the static graph and for what a traced
 * training step actually ran.
 */
class OpProfileTest {
  private static final int BATCH = 4;

  @Test
  void opTypeIsReadFromTheTimelineLabel() {
    assertThat(OpProfile.opType("training/conv2d/Conv2d = _MklNativeConv2D(training/Cast, conv2d/kernel)", "x"))
        .isEqualTo("_MklNativeConv2D");
    assertThat(OpProfile.opType("NoOp", "train")).isEqualTo("train");
  }

  @Test
  void graphFlopsOfEveryConvAndMatmulEqualTheLayerCount() {
    for (Architecture architecture : Architecture.values()) {
      ModelSpec spec = ModelSpec.defaults(architecture, 1);
      try (CnnModel model = CnnModel.create(spec, Device.parse("cpu"), 1)) {
        long sum = 0;
        for (Iterator<GraphOperation> it = model.graph().operations(); it.hasNext(); ) {
          sum += GraphFlops.of(it.next(), BATCH);
        }
        // The graph holds the inference forward pass and the training step (forward + gradients),
        // and also the pixels' gradient (the first conv's input gradient), which no step runs: TF
        // prunes it, as the traced test below shows.
        long firstConv = FlopCount.forward(spec.layers().get(0));
        long expected = (FlopCount.forwardPerImage(spec.layers()) + FlopCount.trainPerImage(spec.layers()) + firstConv) * BATCH;
        assertThat(sum).as(architecture.cliName()).isEqualTo(expected);
      }
    }
  }

  @Test
  void aTracedTrainingStepRunsTheCountedFlopsAndTimesItsOps() {
    ModelSpec spec = ModelSpec.defaults(Architecture.CNN3, 1);
    byte[][] pixels = new byte[BATCH][96 * 96 * 3];
    for (int i = 0; i < BATCH; i++) {
      pixels[i][i * 7] = (byte) (40 * i);
    }
    PatchSet patches = new PatchSet(java.util.List.of("a", "b", "c", "d"), new byte[] {0, 1, 0, 1}, pixels, 96, 96);
    OpProfile profile = new OpProfile();
    try (CnnModel model = CnnModel.create(spec, Device.parse("cpu"), 1)) {
      Batch batch = Throughput.firstBatch(patches, BATCH);
      model.trainStep(batch, 1e-3f, profile::add);
      model.trainStep(batch, 1e-3f, profile::add);
      long ran = profile.nodes().stream().mapToLong(n -> GraphFlops.of(model.graph(), n.name(), n.op(), BATCH)).sum();
      assertThat(ran).isEqualTo(FlopCount.trainPerImage(spec.layers()) * BATCH);
    }
    assertThat(profile.steps()).isEqualTo(2);
    assertThat(profile.wallMicrosPerStep()).isPositive();
    assertThat(profile.byOp().keySet()).anyMatch(op -> op.contains("Conv2DBackpropFilter"));
    // Mean per step: the op sum of two steps over two.
    double total = profile.nodes().stream().mapToDouble(OpProfile.Node::micros).sum();
    assertThat(profile.byOp().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(total, org.assertj.core.data.Offset.offset(1e-6));
  }
}
