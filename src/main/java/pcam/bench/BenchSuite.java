package pcam.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.Augmentation;
import pcam.data.Batch;
import pcam.data.DataSpec;
import pcam.data.Datasets;
import pcam.data.PatchReader;
import pcam.data.PatchSet;
import pcam.data.SyntheticPatches;
import pcam.data.TiffSource;
import pcam.eval.Predictor;
import pcam.eval.ScoringBenchmark;
import pcam.eval.Tta;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.model.Precision;
import pcam.model.SavedModelScorer;

/**
 * Everything issue 6 asks for, measured in one process and one run, so every ratio compares
 * figures taken under the same machine load: decode, matmul ceiling, graph-only CNN throughput
 * and FLOP fractions, end-to-end train/predict, the DJL peer, load memory and the leak check.
 * Returns {@link BenchResults}; writing files is the caller's business.
 */
public final class BenchSuite {
  private static final Logger LOG = LoggerFactory.getLogger(BenchSuite.class);
  private static final int HEADLINE_BATCH = 64;

  /**
   * @param data a Kaggle-layout folder (train_labels.csv + train/), or null for synthetic patches
   * @param tfThreads TensorFlow intra-op threads, 0 for TensorFlow's default
   * @param leakSteps training steps for the RSS leak check
   */
  public record Settings(boolean quick, Path data, int tfThreads, int loaderThreads, long leakSteps) {}

  private final Settings settings;
  private final Path work;
  private final Device device = new Device(Device.Kind.CPU, 0);

  private BenchSuite(Settings settings, Path work) {
    this.settings = settings;
    this.work = work;
  }

  /** Runs every measurement; {@code work} is a scratch folder (synthetic data, exported model). */
  public static BenchResults run(Settings settings, Path work) {
    return new BenchSuite(settings, work).run();
  }

  private BenchResults run() {
    Map<String, Object> r = new LinkedHashMap<>();
    Machine machine = Machine.current();
    Map<String, Object> machineFacts = new LinkedHashMap<>(Map.of("cores", machine.cores(), "cpu", machine.cpuModel(),
        "ram_gb", round(machine.ramGb(), 1), "vector_flags", String.join(" ", machine.vectorFlags()), "onednn_isa_max", machine.isa()));
    // What the libraries actually dispatched to, from oneDNN's own log (a child JVM each).
    machineFacts.put("onednn_isa_tensorflow", OnednnIsa.probe("tf").orElse(null));
    machineFacts.put("onednn_isa_pytorch", DjlBridge.available() ? OnednnIsa.probe("djl").orElse(null) : null);
    r.put("machine", machineFacts);
    Path data = settings.data() != null ? settings.data() : synthetic();
    r.put("settings", Map.of(
        "quick", settings.quick(), "data", settings.data() != null ? data.toString() : "synthetic",
        "tf_threads", settings.tfThreads(), "loader_threads", settings.loaderThreads()));

    // First, in a child JVM: the peak must belong to loading alone.
    LOG.info("load memory (child JVM) ...");
    LoadProbe.Result load = LoadProbe.inSubprocess(data);
    r.put("load_patches", load.patches());
    r.put("load_baseline_rss_mb", round(load.baselineMb(), 1));
    r.put("load_peak_rss_mb", round(load.peakMb(), 1));
    r.put("load_mb_per_patch", round(load.mbPerPatch(), 4));
    r.put("load_peak_rss_mb_220k", round(load.peakMbAt(LoadProbe.KAGGLE_TRAIN_PATCHES), 0));

    PatchSet patches = Datasets.loadLabelled(noCache(data));
    TiffSource trainImages = TiffSource.unlabelled(data.resolve("train"), null);
    int decodeFiles = Math.min(trainImages.ids().size(), settings.quick() ? 128 : 4000);
    List<Path> files = java.util.stream.IntStream.range(0, decodeFiles).mapToObj(trainImages::file).toList();

    LOG.info("decode ...");
    int cores = machine.cores();
    int rounds = settings.quick() ? 1 : 2;
    r.put("decode_files", files.size());
    List<Path> some = files.subList(0, Math.min(files.size(), 1000));
    DecodeBench.Comparison decode = DecodeBench.directVsImageIo(some, settings.quick() ? 1 : 7);
    r.put("decode_img_s_1_thread", round(decode.directImgS(), 0));
    r.put("decode_img_s_1_thread_imageio", round(decode.imageIoImgS(), 0));
    r.put("decode_direct_vs_imageio", round(decode.medianRatio(), 2));
    ImageReader reference = PatchReader.jdkTiffReader();
    r.put("decode_imageio_reader", reference.getClass().getName());
    reference.dispose();
    r.put("decode_threads", cores);
    r.put("decode_img_s_all_threads", round(DecodeBench.imagesPerSecond(files, cores, rounds), 0));

    // Each FLOP fraction pairs every model step with the matmul products timed right before and
    // after it (PairedFraction): on a shared machine the available FLOP/s changes from second to
    // second, and a burst that hits only one of two figures skews their ratio.
    int n = settings.quick() ? 512 : 2048;
    r.put("matmul_n", n);
    List<Double> ceilings = new ArrayList<>();

    int[] batches = settings.quick() ? new int[] {16} : new int[] {32, 64, 128};
    int gridRounds = settings.quick() ? 1 : 3;
    int headline = settings.quick() ? 16 : HEADLINE_BATCH;
    Map<String, Object> flops = new LinkedHashMap<>();
    List<Map<String, Object>> grid = new ArrayList<>();
    for (Architecture architecture : Architecture.values()) {
      ModelSpec spec = ModelSpec.defaults(architecture, 1);
      long forward = FlopCount.forwardPerImage(spec.layers());
      long train = FlopCount.trainPerImage(spec.layers());
      flops.put(architecture.cliName(), Map.of("forward", forward, "train", train));
      boolean deep = architecture == Architecture.CNN9;
      float learningRate = (float) architecture.defaultLearningRate();
      try (CnnModel model = CnnModel.create(spec, device, settings.tfThreads());
          MatmulBench ceiling = new MatmulBench(n, device.sessionConfig(settings.tfThreads()))) {
        for (int b : batches) {
          LOG.info("graph-only {} batch {} ...", architecture.cliName(), b);
          Batch batch = Throughput.firstBatch(patches, b);
          PairedFraction.Result trainRun = PairedFraction.measure(
              ceiling, () -> model.trainStep(batch, learningRate), b, train, plan(deep ? 384 : 1536, b, gridRounds));
          PairedFraction.Result inferRun = PairedFraction.measure(
              ceiling, () -> model.predict(batch), b, forward, plan(deep ? 512 : 2048, b, gridRounds));
          double matmul = Math.max(trainRun.fastestProductGflops(), inferRun.fastestProductGflops());
          ceilings.add(matmul);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("model", architecture.cliName());
          row.put("batch", b);
          row.put("matmul_gflops", round(matmul, 1));
          row.put("train_img_s", round(trainRun.imagesPerSecond(), 1));
          row.put("infer_img_s", round(inferRun.imagesPerSecond(), 1));
          row.put("train_gflops", round(trainRun.imagesPerSecond() * train / 1e9, 1));
          row.put("infer_gflops", round(inferRun.imagesPerSecond() * forward / 1e9, 1));
          row.put("train_flop_fraction", round(trainRun.flopFraction(), 3));
          row.put("infer_flop_fraction", round(inferRun.flopFraction(), 3));
          // The best round's mean against the cell's fastest product: the lower bound reported
          // before the pairing, kept so the two can be compared.
          row.put("train_flop_fraction_vs_fastest_product", round(trainRun.imagesPerSecond() * train / 1e9 / matmul, 3));
          grid.add(row);
          if (!deep && b == headline) {
            r.put("cnn3_train_flop_fraction", row.get("train_flop_fraction"));
            r.put("cnn3_train_flop_fraction_vs_fastest_product", row.get("train_flop_fraction_vs_fastest_product"));
            kernelLimit(r, "cnn3_train_", model, batch, learningRate, ceiling, trainRun.flopFraction(), Precision.FLOAT32);
            bf16(r, spec, batch, learningRate, ceiling, trainRun, plan(1536, b, gridRounds));
          }
        }
      }
    }
    r.put("matmul_gflops", round(ceilings.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), 1));
    r.put("flops_per_image", flops);
    r.put("graph_only", grid);

    try (CnnModel cnn3 = CnnModel.create(ModelSpec.defaults(Architecture.CNN3, 1), device, settings.tfThreads())) {
      LOG.info("end-to-end train ...");
      Throughput.TrainResult train =
          Throughput.train(cnn3, patches, headline, Augmentation.DEFAULT, settings.loaderThreads(), 4,
              1e-3f, plan(1536, headline, settings.quick() ? 1 : 5));
      r.put("e2e_train_batch", headline);
      r.put("e2e_train_img_s", round(train.endToEnd(), 1));
      r.put("e2e_train_graph_only_img_s", round(train.graphOnly(), 1));
      r.put("e2e_train_ratio", round(train.ratio(), 3));
      r.put("e2e_train_best_ratio", round(train.bestRatio(), 3));
      r.put("loader_only_img_s", round(Throughput.loaderOnly(patches, headline, Augmentation.DEFAULT,
          settings.loaderThreads(), settings.quick() ? 2 : 40), 0));

      LOG.info("end-to-end predict ...");
      Path exported = work.resolve("cnn3-model");
      cnn3.exportSavedModel(exported);
      List<String> ids = trainImages.ids().subList(0, Math.min(files.size(), settings.quick() ? 128 : 2048));
      try (SavedModelScorer scorer = SavedModelScorer.load(exported, device.sessionConfig(settings.tfThreads()))) {
        Predictor.Options options = Predictor.Options.defaults(headline, Tta.NONE);
        ScoringBenchmark.Result predict = ScoringBenchmark.run(scorer, data.resolve("train"), ids, options, settings.quick() ? 1 : 5);
        r.put("e2e_predict_images", predict.images());
        r.put("e2e_predict_img_s", round(predict.endToEndImagesPerSecond(), 1));
        r.put("e2e_predict_graph_only_img_s", round(predict.graphOnlyImagesPerSecond(), 1));
        r.put("e2e_predict_ratio", round(predict.ratio(), 3));
        r.put("e2e_predict_best_ratio", round(predict.bestRatio(), 3));
        r.put("e2e_predict_starved_fraction", round(predict.starvedFraction(), 3));
      }

      LOG.info("DJL peer ...");
      Batch batch = Throughput.firstBatch(patches, headline);
      Throughput.Plan djlPlan = plan(settings.quick() ? 32 : 768, headline, rounds);
      r.put("djl_available", DjlBridge.available());
      r.put("djl_setup", DjlBridge.describe().orElse(null));
      r.put("djl_batch", headline);
      Optional<Map<String, Double>> djl = DjlBridge.measure(headline, djlPlan);
      if (djl.isPresent()) {
        // pcam re-measured right next to the peer, with the same plan, so both see the same load.
        double pcamTrain = Throughput.graphOnlyTrain(cnn3, batch, 1e-3f, djlPlan);
        double pcamInfer = Throughput.graphOnlyInfer(cnn3, batch, djlPlan);
        r.put("djl_params", djl.get().get("params").longValue());
        r.put("djl_train_img_s", round(djl.get().get("train_img_s"), 1));
        r.put("djl_infer_img_s", round(djl.get().get("infer_img_s"), 1));
        r.put("pcam_vs_djl_train_img_s", round(pcamTrain, 1));
        r.put("pcam_vs_djl_infer_img_s", round(pcamInfer, 1));
        r.put("vs_djl_train", round(pcamTrain / djl.get().get("train_img_s"), 3));
        r.put("vs_djl_infer", round(pcamInfer / djl.get().get("infer_img_s"), 3));
      } else {
        LOG.warn("DJL peer not on the classpath (plain build): vs_djl_* left null; run scripts/bench.sh for it");
        for (String key : List.of("djl_params", "djl_train_img_s", "djl_infer_img_s", "pcam_vs_djl_train_img_s",
            "pcam_vs_djl_infer_img_s", "vs_djl_train", "vs_djl_infer")) {
          r.put(key, null);
        }
      }
      r.put("pcam_params_cnn3", cnn3.trainableParams());
    }

    LeakCheck.Settings leak = LeakCheck.settings(settings.leakSteps());
    LOG.info("leak check: {} steps of {} at crop {}, batch {} ...", leak.steps(), leak.architecture().cliName(), leak.crop(), leak.batchSize());
    RssTrace.Trace trace = LeakCheck.run(leak, patches, settings.tfThreads(), settings.loaderThreads());
    r.put("leak_settings", Map.of("model", leak.architecture().cliName(), "crop", leak.crop(), "batch", leak.batchSize(),
        "steps", leak.steps(), "warmup_steps", leak.warmupSteps()));
    r.put("rss_before_mb", round(trace.before(), 1));
    r.put("rss_after_mb", round(trace.after(), 1));
    r.put("rss_growth_mb_10k_steps", round(trace.growthMb() * 10_000.0 / leak.steps(), 1));
    r.put("rss_growth_mb_second_half", round(trace.secondHalfGrowthMb(), 1));
    r.put("rss_samples_mb", trace.rssMb().stream().map(v -> round(v, 1)).toList());
    r.put("peak_rss_mb_this_process", round(MemoryProbe.peakRssMb(), 1));
    r.put("targets", Map.of("e2e_train_ratio", 0.95, "e2e_predict_ratio", 0.9, "cnn3_train_flop_fraction", 0.6,
        "vs_djl_train", 1.2, "rss_growth_mb_10k_steps", 0));
    return new BenchResults(r);
  }

  /**
   * The library's limit for the headline cnn3 step: its convolutions and matrix products timed
   * alone ({@link KernelTimes}), as a fraction of the matmul products timed right before and after
   * them; and the paired step's fraction of that limit.
   */
  private void kernelLimit(Map<String, Object> r, String prefix, CnnModel model, Batch batch, float lr, MatmulBench ceiling,
      double stepFraction, Precision precision) {
    LOG.info("cnn3 {} kernels alone ...", precision);
    double before = ceiling.gflops();
    List<KernelTimes.Kernel> kernels =
        KernelTimes.ofTrainingStep(model, batch, lr, device.sessionConfig(settings.tfThreads()), settings.quick() ? 1 : 9, precision);
    double matmul = (before + ceiling.gflops()) / 2;
    double limit = KernelTimes.limitGflops(FlopCount.trainPerImage(model.spec().layers()) * batch.count(), kernels) / matmul;
    r.put(prefix + "kernel_limit_fraction", round(limit, 3));
    r.put(prefix + "fraction_of_kernel_limit", round(stepFraction / limit, 3));
  }

  /**
   * The headline cnn3 step in {@code --precision bf16}, paired against the same float32 matmul
   * ceiling as the float32 step, so the two fractions and their ratio (the speed-up) compare
   * like with like; null where the CPU has no native bfloat16.
   */
  private void bf16(Map<String, Object> r, ModelSpec spec, Batch batch, float lr, MatmulBench ceiling,
      PairedFraction.Result float32, Throughput.Plan plan) {
    List<String> keys = List.of("cnn3_train_bf16_img_s", "cnn3_train_bf16_flop_fraction", "cnn3_train_bf16_speedup",
        "cnn3_train_bf16_kernel_limit_fraction", "cnn3_train_bf16_fraction_of_kernel_limit");
    keys.forEach(k -> r.put(k, null));
    if (!Precision.nativeBf16()) {
      LOG.info("no native bfloat16 on this CPU: cnn3_train_bf16_* left null");
      return;
    }
    LOG.info("graph-only cnn3 bf16 batch {} ...", batch.count());
    try (CnnModel model = CnnModel.create(spec, device, settings.tfThreads(), Precision.BF16)) {
      PairedFraction.Result run = PairedFraction.measure(
          ceiling, () -> model.trainStep(batch, lr), batch.count(), FlopCount.trainPerImage(spec.layers()), plan);
      r.put("cnn3_train_bf16_img_s", round(run.imagesPerSecond(), 1));
      r.put("cnn3_train_bf16_flop_fraction", round(run.flopFraction(), 3));
      r.put("cnn3_train_bf16_speedup", round(run.flopFraction() / float32.flopFraction(), 3));
      kernelLimit(r, "cnn3_train_bf16_", model, batch, lr, ceiling, run.flopFraction(), Precision.BF16);
    }
  }

  private Path synthetic() {
    Path dir = work.resolve("synthetic");
    LOG.info("no --data: writing synthetic patches to {}", dir);
    SyntheticPatches.write(dir, settings.quick() ? 256 : 2048, 0, 42, true);
    return dir;
  }

  private static DataSpec noCache(Path dir) {
    return new DataSpec(dir.resolve("train_labels.csv"), dir.resolve("train"), null, null, 0, 1,
        DataSpec.DEFAULT_DARK_THRESHOLD, DataSpec.DEFAULT_BRIGHT_THRESHOLD, false, false, false);
  }

  private Throughput.Plan plan(int images, int batch, int rounds) {
    return Throughput.Plan.ofImages(settings.quick() ? Math.min(images, 2 * batch) : images, batch, rounds);
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
