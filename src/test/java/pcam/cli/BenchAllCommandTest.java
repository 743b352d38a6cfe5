package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.util.Json;

@pcam.Slow
class BenchAllCommandTest {
  @Test
  void quickRunWritesEveryKeyWithItsType(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results");
    CliRun run = CliRun.run("bench", "all", "--quick", "--leak-steps", "40", "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = Json.MAPPER.readTree(out.resolve("bench.json").toFile());
    for (String key : new String[] {"e2e_train_ratio", "e2e_predict_ratio", "cnn3_train_flop_fraction",
        "rss_growth_mb_10k_steps", "matmul_gflops", "decode_img_s_1_thread", "decode_img_s_all_threads",
        "cnn3_train_flop_fraction_vs_fastest_product", "cnn3_train_kernel_limit_fraction", "cnn3_train_fraction_of_kernel_limit",
        "e2e_train_img_s", "e2e_predict_img_s", "load_peak_rss_mb", "load_peak_rss_mb_220k", "rss_before_mb",
        "rss_after_mb"}) {
      assertThat(json.get(key)).as(key).isNotNull();
      assertThat(json.get(key).isNumber()).as(key + " is a number").isTrue();
    }
    // bf16 figures: numbers where the CPU has native bfloat16 (CI's does), null elsewhere.
    boolean bf16 = pcam.model.Precision.nativeBf16();
    for (String key : new String[] {"cnn3_train_bf16_img_s", "cnn3_train_bf16_flop_fraction", "cnn3_train_bf16_speedup",
        "cnn3_train_bf16_kernel_limit_fraction", "cnn3_train_bf16_fraction_of_kernel_limit"}) {
      assertThat(json.has(key)).as(key).isTrue();
      assertThat(json.get(key).isNumber()).as(key + " is a number").isEqualTo(bf16);
    }
    // The test classpath is the plain build: no DJL, so the peer ratios are present but null.
    assertThat(json.has("vs_djl_train")).isTrue();
    assertThat(json.get("vs_djl_train").isNull()).isTrue();
    assertThat(json.get("vs_djl_infer").isNull()).isTrue();
    assertThat(json.get("djl_available").asBoolean()).isFalse();
    assertThat(json.get("flops_per_image").get("cnn3").get("forward").asLong()).isEqualTo(155_454_720L);
    assertThat(json.get("pcam_params_cnn3").asLong()).isEqualTo(3_370_561L);
    assertThat(json.get("graph_only")).hasSize(2);
    assertThat(json.get("graph_only").get(1).get("model").asText()).isEqualTo("cnn9");
    assertThat(json.get("leak_settings").get("steps").asLong()).isEqualTo(40);
    assertThat(json.get("rss_samples_mb")).hasSize(21);
    assertThat(json.get("load_patches").asInt()).isPositive();
    assertThat(run.out()).contains("DJL peer not on the classpath").contains("| **e2e_train_ratio** |")
        .contains("the library's limit");
    assertThat(Files.readString(out.resolve("bench.md"))).contains("rss_growth_mb_10k_steps");
  }
}
