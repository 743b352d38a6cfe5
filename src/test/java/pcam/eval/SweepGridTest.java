package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import pcam.util.InputException;

class SweepGridTest {
  @Test
  void cellsAreTheCartesianProductFirstKeySlowest() {
    SweepGrid grid = SweepGrid.parse(List.of("optimizer=sgd,adam", "lr=0.01,0.001,0.0005"));
    assertThat(grid.keys()).containsExactly("optimizer", "lr");
    assertThat(grid.cells()).extracting(SweepGrid.Cell::name).containsExactly(
        "optimizer=sgd_lr=0.01", "optimizer=sgd_lr=0.001", "optimizer=sgd_lr=0.0005",
        "optimizer=adam_lr=0.01", "optimizer=adam_lr=0.001", "optimizer=adam_lr=0.0005");
    assertThat(grid.cells().get(4).describeExcept(List.of("lr"))).isEqualTo("optimizer=adam");
    assertThat(grid.cells().get(4).describeExcept(List.of("lr", "optimizer"))).isEqualTo("all runs");
  }

  @Test
  void namesAreFileSafe() {
    assertThat(SweepGrid.parse(List.of("device=gpu:0")).cells().get(0).name()).isEqualTo("device=gpu-0");
  }

  @Test
  void malformedSetsAreBadInput() {
    for (List<String> bad : List.of(List.of("lr"), List.of("=0.1"), List.of("lr=0.1,"), List.of("lr=0.1,0.1"),
        List.of("lr=0.1", "lr=0.2"), List.of("Lr=1"), List.<String>of())) {
      assertThatThrownBy(() -> SweepGrid.parse(bad)).as(bad.toString()).isInstanceOf(InputException.class);
    }
  }
}
