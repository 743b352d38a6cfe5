package pcam.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@link BenchSuite} run: {@link #values()} is what {@code bench.json} holds
 * (missing measurements are null), {@link #markdown()} the same as a table for BENCHMARKS.md.
 */
public record BenchResults(Map<String, Object> values) {
  public String markdown() {
    StringBuilder md = new StringBuilder();
    @SuppressWarnings("unchecked")
    Map<String, Object> machine = (Map<String, Object>) values.get("machine");
    md.append(String.format(Locale.ROOT, "Machine: %s cores, %s, %s GB RAM; vector flags: %s; highest oneDNN ISA they allow: %s;"
            + " oneDNN dispatched to (its own log): TensorFlow %s, PyTorch %s%n%n",
        machine.get("cores"), machine.get("cpu"), machine.get("ram_gb"), machine.get("vector_flags"), machine.get("onednn_isa_max"),
        machine.get("onednn_isa_tensorflow"), machine.get("onednn_isa_pytorch")));
    md.append("| Measure | Value | Target / note |\n|---|---:|---|\n");
    row(md, "TIFF decode, 1 thread", num("decode_img_s_1_thread") + " img/s",
        "ImageIO only (JDK reader): " + num("decode_img_s_1_thread_imageio") + " img/s; direct ÷ ImageIO, median of "
            + "alternating passes: " + num("decode_direct_vs_imageio"));
    row(md, "TIFF decode, " + values.get("decode_threads") + " threads", num("decode_img_s_all_threads") + " img/s", "");
    row(md, "TF float32 matmul " + values.get("matmul_n") + "²", num("matmul_gflops") + " GFLOP/s",
        "fastest product in the run; each FLOP fraction pairs every step with the products timed around it");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> flops = (Map<String, Map<String, Object>>) values.get("flops_per_image");
    for (var e : flops.entrySet()) {
      row(md, e.getKey() + " FLOPs per image (crop 96)",
          String.format(Locale.ROOT, "%,d fwd / %,d train", e.getValue().get("forward"), e.getValue().get("train")),
          "conv 2·Hout·Wout·9·Cin·Cout, dense 2·in·out; train = 3 × forward − the first conv's (no input gradient for the pixels)");
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> grid = (List<Map<String, Object>>) values.get("graph_only");
    for (Map<String, Object> g : grid) {
      row(md, "graph-only " + g.get("model") + " batch " + g.get("batch"),
          String.format(Locale.ROOT, "train %s img/s (%s of matmul), infer %s img/s (%s)",
              g.get("train_img_s"), g.get("train_flop_fraction"), g.get("infer_img_s"), g.get("infer_flop_fraction")),
          "fastest product in the cell: " + g.get("matmul_gflops") + " GFLOP/s; best train round against it: "
              + g.get("train_flop_fraction_vs_fastest_product"));
    }
    row(md, "**cnn3 train FLOP fraction** (batch " + values.get("e2e_train_batch") + ")", num("cnn3_train_flop_fraction"),
        "≥ 0.60; median over steps of step / neighbouring products");
    row(md, "cnn3 training kernels alone: the library's limit", num("cnn3_train_kernel_limit_fraction") + " of matmul",
        "the step's convs and matmuls each timed alone (pcam bench ops); the step reaches "
            + num("cnn3_train_fraction_of_kernel_limit") + " of this limit");
    row(md, "cnn3 train FLOP fraction with `--precision bf16`", num("cnn3_train_bf16_flop_fraction") + " of the float32 matmul",
        num("cnn3_train_bf16_img_s") + " img/s graph-only, " + num("cnn3_train_bf16_speedup") + "x float32 (paired); bf16 kernels alone: "
            + num("cnn3_train_bf16_kernel_limit_fraction") + ", the step reaches " + num("cnn3_train_bf16_fraction_of_kernel_limit") + " of it");
    row(md, "end-to-end train cnn3 batch " + values.get("e2e_train_batch"),
        num("e2e_train_img_s") + " vs " + num("e2e_train_graph_only_img_s") + " img/s graph-only", "loader + flips + step (the training default)");
    row(md, "**e2e_train_ratio**", num("e2e_train_ratio"), "≥ 0.95; median of paired rounds (best ÷ best: "
        + num("e2e_train_best_ratio") + ")");
    row(md, "batch loader alone (flips, " + ((Map<?, ?>) values.get("settings")).get("loader_threads") + " thread(s))",
        num("loader_only_img_s") + " img/s", "CPU it takes from TensorFlow when no core is idle");
    row(md, "end-to-end predict cnn3 SavedModel (" + values.get("e2e_predict_images") + " files)",
        num("e2e_predict_img_s") + " vs " + num("e2e_predict_graph_only_img_s") + " img/s graph-only", "decode + batch + predict");
    row(md, "**e2e_predict_ratio**", num("e2e_predict_ratio"), "≥ 0.90; median of paired rounds (best ÷ best: "
        + num("e2e_predict_best_ratio") + "); model thread waiting for decode: " + num("e2e_predict_starved_fraction") + " of the time");
    if (Boolean.TRUE.equals(values.get("djl_available"))) {
      row(md, "DJL 0.36 cnn3 batch " + values.get("djl_batch") + " (" + values.get("djl_params") + " params; " + values.get("djl_setup") + ")",
          "train " + num("djl_train_img_s") + ", infer " + num("djl_infer_img_s") + " img/s",
          "pcam next to it: train " + num("pcam_vs_djl_train_img_s") + ", infer " + num("pcam_vs_djl_infer_img_s"));
      row(md, "**vs_djl_train**", num("vs_djl_train"), "≥ 1.2");
      row(md, "**vs_djl_infer**", num("vs_djl_infer"), "");
    } else {
      row(md, "DJL peer", "not run", "plain build; scripts/bench.sh builds with -Pdjl");
    }
    row(md, "load " + values.get("load_patches") + " patches onto the heap (decode cache off), peak RSS (child JVM)",
        num("load_peak_rss_mb") + " MB", "baseline " + num("load_baseline_rss_mb") + " MB");
    row(md, "extrapolated peak RSS for 220,025 patches on the heap", num("load_peak_rss_mb_220k") + " MB",
        "linear in patches; train's default memory-mapped store: pcam bench memory");
    @SuppressWarnings("unchecked")
    Map<String, Object> leak = (Map<String, Object>) values.get("leak_settings");
    row(md, "RSS before / after " + leak.get("steps") + " train steps",
        num("rss_before_mb") + " / " + num("rss_after_mb") + " MB",
        leak.get("model") + ", crop " + leak.get("crop") + ", batch " + leak.get("batch") + ", after " + leak.get("warmup_steps") + " warm-up steps");
    row(md, "**rss_growth_mb_10k_steps**", num("rss_growth_mb_10k_steps"), "no growth; second half: " + num("rss_growth_mb_second_half") + " MB");
    return md.toString();
  }

  private String num(String key) {
    Object v = values.get(key);
    return v == null ? "n/a" : v.toString();
  }

  private static void row(StringBuilder md, String measure, String value, String note) {
    md.append("| ").append(measure).append(" | ").append(value).append(" | ").append(note).append(" |\n");
  }
}
