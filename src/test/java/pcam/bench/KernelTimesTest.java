package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.model.Precision;
import org.tensorflow.types.TFloat32;

/**
 * Each kernel replica must be the op it stands for: the same type and attributes, on inputs of the
 * same shapes with the batch filled in, giving an output of the same shape and the same FLOPs.
 */
class KernelTimesTest {
  private static final int BATCH = 4;

  @Test
  void everyConvAndMatmulOfTheTrainingGraphIsReplicatedExactly() {
    ModelSpec spec = ModelSpec.defaults(Architecture.CNN3, 1);
    try (CnnModel model = CnnModel.create(spec, Device.parse("cpu"), 1)) {
      List<GraphOperation> carriers = new ArrayList<>();
      for (Iterator<GraphOperation> it = model.graph().operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (GraphFlops.of(op, BATCH) > 0) {
          carriers.add(op);
        }
      }
      assertThat(carriers).extracting(GraphOperation::type)
          .contains("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "MatMul");
      for (GraphOperation op : carriers) {
        try (Graph alone = new Graph()) {
          GraphOperation copy = (GraphOperation) KernelTimes.replicate(Ops.create(alone), op, BATCH, TFloat32.class).op();
          assertThat(copy.type()).as(op.name()).isEqualTo(op.type());
          assertThat(GraphFlops.of(copy, BATCH)).as(op.name()).isEqualTo(GraphFlops.of(op, BATCH));
          assertThat(copy.output(0).shape()).as(op.name()).isEqualTo(withBatch(op.output(0).shape()));
          for (int i = 0; i < op.numInputs(); i++) {
            assertThat(copy.input(i).shape()).as(op.name() + " input " + i).isEqualTo(withBatch(op.input(i).shape()));
          }
          for (String attr : List.of("strides", "dilations", "explicit_paddings")) {
            if (op.type().startsWith("Conv2D")) {
              assertThat(copy.attributes().getAttrIntList(attr)).as(op.name() + " " + attr)
                  .isEqualTo(op.attributes().getAttrIntList(attr));
            }
          }
          if (op.type().startsWith("Conv2D")) {
            assertThat(copy.attributes().getAttrString("padding")).isEqualTo(op.attributes().getAttrString("padding"));
          } else {
            assertThat(copy.attributes().getAttrBool("transpose_a")).isEqualTo(op.attributes().getAttrBool("transpose_a"));
            assertThat(copy.attributes().getAttrBool("transpose_b")).isEqualTo(op.attributes().getAttrBool("transpose_b"));
          }
        }
      }
    }
  }

  @Test
  void timesEachCarrierOfATracedStepOnce() {
    ModelSpec spec = ModelSpec.defaults(Architecture.CNN3, 1);
    try (CnnModel model = CnnModel.create(spec, Device.parse("cpu"), 1)) {
      // A fused dense layer is traced under its BiasAdd's name; the replica is its MatMul.
      List<OpProfile.Node> nodes = List.of(
          new OpProfile.Node("training/dense/BiasAdd", "_MklNativeFusedMatMul", 10),
          new OpProfile.Node("training/conv2d/Conv2d", "_MklNativeConv2D", 10),
          new OpProfile.Node("training/conv2d/MaxPool", "_MklNativeMaxPool", 10));
      List<KernelTimes.Kernel> kernels = KernelTimes.time(model.graph(), nodes, BATCH, Device.parse("cpu").sessionConfig(1), 1, Precision.FLOAT32);
      assertThat(kernels).extracting(KernelTimes.Kernel::node).containsExactly("training/dense/BiasAdd", "training/conv2d/Conv2d");
      assertThat(kernels).extracting(KernelTimes.Kernel::op).containsExactly("MatMul", "Conv2D");
      assertThat(kernels.get(1).flops()).isEqualTo(FlopCount.forward(spec.layers().get(0)) * BATCH);
      assertThat(kernels).allMatch(k -> k.micros() > 0);
    }
  }

  @Test
  void bf16KernelsAreBfloat16OpsOfTheBf16GraphsShapes() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Precision.nativeBf16(), "no native bfloat16 on this CPU");
    ModelSpec spec = ModelSpec.defaults(Architecture.CNN3, 1);
    try (CnnModel model = CnnModel.create(spec, Device.parse("cpu"), 1, Precision.BF16)) {
      GraphOperation conv1 = model.graph().operation("training/conv2d/Conv2d");
      try (Graph alone = new Graph()) {
        var copy = KernelTimes.replicate(Ops.create(alone), conv1, BATCH, org.tensorflow.types.TBfloat16.class);
        assertThat(copy.asOutput().dataType()).isEqualTo(org.tensorflow.proto.DataType.DT_BFLOAT16);
        // The bf16 graph's first conv reads RGB plus a zero channel (CnnGraph's workaround): so does its replica.
        assertThat(((GraphOperation) copy.op()).input(0).shape()).isEqualTo(Shape.of(BATCH, 96, 96, 4));
      }
      List<OpProfile.Node> nodes = List.of(new OpProfile.Node("training/conv2d_1/Conv2d", "_MklNativeConv2D", 10));
      List<KernelTimes.Kernel> kernels = KernelTimes.time(model.graph(), nodes, BATCH, Device.parse("cpu").sessionConfig(1), 1, Precision.BF16);
      assertThat(kernels).singleElement().satisfies(k -> assertThat(k.micros()).isPositive());
    }
  }

  private static Shape withBatch(Shape shape) {
    long[] dims = shape.asArray();
    for (int i = 0; i < dims.length; i++) {
      dims[i] = dims[i] < 0 ? BATCH : dims[i];
    }
    return Shape.of(dims);
  }
}
