package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;
import pcam.util.InputException;

class DeviceTest {

  @Test
  void parsesEveryForm() {
    assertThat(Device.parse("auto")).isEqualTo(Device.AUTO);
    assertThat(Device.parse("CPU").kind()).isEqualTo(Device.Kind.CPU);
    assertThat(Device.parse("gpu")).isEqualTo(new Device(Device.Kind.GPU, 0));
    assertThat(Device.parse("gpu:1")).isEqualTo(new Device(Device.Kind.GPU, 1));
    assertThat(Device.parse("gpu:1").toString()).isEqualTo("gpu:1");
  }

  @Test
  void rejectsBadValuesNamingThem() {
    for (String bad : new String[] {"tpu", "gpu:-1", "gpu:x", ""}) {
      assertThatThrownBy(() -> Device.parse(bad)).isInstanceOf(InputException.class).hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void sessionConfigGrowsGpuMemoryAndHidesGpusForCpu() {
    ConfigProto auto = Device.AUTO.sessionConfig(0);
    assertThat(auto.getGpuOptions().getAllowGrowth()).isTrue();
    assertThat(auto.getAllowSoftPlacement()).isTrue();
    assertThat(auto.getDeviceCountMap()).doesNotContainKey("GPU");
    assertThat(auto.getIntraOpParallelismThreads()).isZero();

    ConfigProto cpu = Device.parse("cpu").sessionConfig(4);
    assertThat(cpu.getDeviceCountMap()).containsEntry("GPU", 0);
    assertThat(cpu.getIntraOpParallelismThreads()).isEqualTo(4);

    ConfigProto gpu = Device.parse("gpu:1").sessionConfig(0);
    assertThat(gpu.getGpuOptions().getVisibleDeviceList()).isEqualTo("1");
    assertThat(gpu.getGpuOptions().getAllowGrowth()).isTrue();
  }

  @Test
  void gpuOnACpuOnlyMachineIsAClearError() {
    if (Device.gpuVisible(0)) {
      assertThat(Device.parse("gpu").check()).isEqualTo("device: gpu:0");
      return;
    }
    assertThatThrownBy(() -> Device.parse("gpu").check())
        .isInstanceOf(InputException.class)
        .hasMessageContaining("sees no GPU 0")
        .hasMessageContaining("-Pgpu");
    assertThat(Device.AUTO.check()).isEqualTo("device: auto -> cpu (no GPU visible to TensorFlow)");
    assertThat(Device.parse("cpu").check()).isEqualTo("device: cpu");
  }
}
