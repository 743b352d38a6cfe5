package pcam.bench;

import java.util.ArrayList;
import java.util.List;
import pcam.data.Augmentation;
import pcam.data.Batch;
import pcam.data.BatchLoader;
import pcam.data.BatchOptions;
import pcam.data.EndlessBatches;
import pcam.data.PatchSet;
import pcam.model.CnnModel;

/**
 * Images per second of a Java-built CNN. Graph-only figures run one fixed in-memory batch (no
 * loading at all: the model's own speed); end-to-end training runs {@link BatchLoader} with
 * augmentation over in-memory patches, as the trainer does. Every figure is the best of {@code
 * rounds} timed rounds after a warm-up; best-of filters out bursts of load from other processes,
 * and the modes compared are measured in alternating rounds so slower phases hit both alike. The
 * end-to-end ratio is the median of the rounds' pairs.
 */
public final class Throughput {
  /** Steps per timed round, warm-up steps, and rounds. */
  public record Plan(int steps, int warmup, int rounds) {
    public Plan {
      if (steps <= 0 || warmup < 0 || rounds <= 0) {
        throw new IllegalArgumentException("steps and rounds must be > 0 and warmup >= 0");
      }
    }

    /** About {@code images} images per round at this batch size, at least 2 steps. */
    public static Plan ofImages(int images, int batchSize, int rounds) {
      int steps = Math.max(2, images / batchSize);
      return new Plan(steps, Math.max(1, steps / 5), rounds);
    }
  }

  /**
   * @param graphOnly best graph-only round, img/s
   * @param endToEnd best end-to-end round, img/s
   * @param ratio median over rounds of each end-to-end round ÷ the graph-only round right before
   *     it: a load burst that hits one round of a pair does not decide it, as it can best ÷ best
   */
  public record TrainResult(double graphOnly, double endToEnd, double ratio) {
    public double bestRatio() {
      return endToEnd / graphOnly;
    }
  }

  private Throughput() {}

  public static double graphOnlyTrain(CnnModel model, Batch batch, float learningRate, Plan plan) {
    return best(plan, batch.count(), () -> model.trainStep(batch, learningRate));
  }

  public static double graphOnlyInfer(CnnModel model, Batch batch, Plan plan) {
    return best(plan, batch.count(), () -> model.predict(batch));
  }

  /**
   * Graph-only against end-to-end training, alternating rounds. {@code patches} must hold at least
   * one full batch; the loader is reopened with a new seed whenever an epoch runs out, as the
   * trainer does.
   */
  public static TrainResult train(
      CnnModel model, PatchSet patches, int batchSize, Augmentation augmentation, int loaderThreads, int prefetch,
      float learningRate, Plan plan) {
    if (patches.size() < batchSize) {
      throw new IllegalArgumentException("need at least one full batch of " + batchSize + ", have " + patches.size());
    }
    Batch fixed = firstBatch(patches, batchSize);
    for (int i = 0; i < plan.warmup(); i++) {
      model.trainStep(fixed, learningRate);
    }
    double graph = 0;
    double endToEnd = 0;
    List<Double> ratios = new ArrayList<>();
    long[] epoch = {0};
    for (int round = 0; round < plan.rounds(); round++) {
      double g = timed(plan.steps(), batchSize, () -> model.trainStep(fixed, learningRate));
      double e = endToEndRound(model, patches, batchSize, augmentation, loaderThreads, prefetch, learningRate, plan, epoch);
      graph = Math.max(graph, g);
      endToEnd = Math.max(endToEnd, e);
      ratios.add(e / g);
    }
    return new TrainResult(graph, endToEnd, PairedFraction.median(ratios));
  }

  /** End-to-end training and the loader alone, with a baseline augmentation and a candidate. */
  public record AugmentationCost(double baselineEndToEnd, double endToEnd, double baselineLoader, double loader) {
    /** Training throughput with the candidate over that with the baseline (1 = free). */
    public double ratio() {
      return endToEnd / baselineEndToEnd;
    }

    public double loaderRatio() {
      return loader / baselineLoader;
    }
  }

  /**
   * What an augmentation costs against a baseline (e.g. flips only), in alternating rounds of
   * end-to-end training and of the loader alone, best round of each kept.
   */
  public static AugmentationCost augmentationCost(
      CnnModel model, PatchSet patches, int batchSize, Augmentation baseline, Augmentation candidate, int loaderThreads,
      int prefetch, float learningRate, Plan plan) {
    long[] epoch = {0};
    Batch fixed = firstBatch(patches, batchSize);
    for (int i = 0; i < plan.warmup(); i++) {
      model.trainStep(fixed, learningRate);
    }
    double[] best = new double[4];
    for (int round = 0; round < plan.rounds(); round++) {
      best[0] = Math.max(best[0], endToEndRound(model, patches, batchSize, baseline, loaderThreads, prefetch, learningRate, plan, epoch));
      best[1] = Math.max(best[1], endToEndRound(model, patches, batchSize, candidate, loaderThreads, prefetch, learningRate, plan, epoch));
      best[2] = Math.max(best[2], loaderOnly(patches, batchSize, baseline, loaderThreads, plan.steps()));
      best[3] = Math.max(best[3], loaderOnly(patches, batchSize, candidate, loaderThreads, plan.steps()));
    }
    return new AugmentationCost(best[0], best[1], best[2], best[3]);
  }

  /** Images per second of {@code plan.steps()} full training steps fed by the loader. */
  private static double endToEndRound(
      CnnModel model, PatchSet patches, int batchSize, Augmentation augmentation, int loaderThreads, int prefetch,
      float learningRate, Plan plan, long[] epoch) {
    return endToEnd(model, patches, batchSize, augmentation, loaderThreads, prefetch, learningRate, plan.steps(), epoch);
  }


  /**
   * Training steps fed by the loader, in img/s over {@code steps} full batches; the loader is
   * reopened with the next epoch seed ({@code epoch[0]++}) whenever an epoch runs out.
   */
  public static double endToEnd(CnnModel model, PatchSet patches, int batchSize, Augmentation augmentation,
      int loaderThreads, int prefetch, float learningRate, int steps, long[] epoch) {
    long start = System.nanoTime();
    try (EndlessBatches batches = patches.endlessBatches(BatchOptions.training(batchSize, augmentation, epoch[0], loaderThreads, prefetch))) {
      for (int done = 0; done < steps; done++) {
        model.trainStep(batches.next(), learningRate); // full batches only: a short one would skew img/s
      }
      epoch[0] = batches.nextSeed();
    }
    return (double) steps * batchSize / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * The loader alone: augmented batches assembled per second (in images), no model. Its CPU time
   * is what end-to-end training takes from TensorFlow on a machine with no idle core.
   */
  public static double loaderOnly(PatchSet patches, int batchSize, Augmentation augmentation, int threads, int batches) {
    long start = System.nanoTime();
    try (EndlessBatches stream = patches.endlessBatches(BatchOptions.training(batchSize, augmentation, 0, threads, 4))) {
      for (int done = 0; done < batches; done++) {
        stream.next();
      }
    }
    return (double) batches * batchSize / ((System.nanoTime() - start) / 1e9);
  }

  public static Batch firstBatch(PatchSet patches, int batchSize) {
    try (BatchLoader loader = patches.batches(BatchOptions.inOrder(batchSize, 1, 1))) {
      return loader.next();
    }
  }

  private static double best(Plan plan, int imagesPerStep, Runnable step) {
    for (int i = 0; i < plan.warmup(); i++) {
      step.run();
    }
    double best = 0;
    for (int round = 0; round < plan.rounds(); round++) {
      best = Math.max(best, timed(plan.steps(), imagesPerStep, step));
    }
    return best;
  }

  private static double timed(int steps, int imagesPerStep, Runnable step) {
    long start = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      step.run();
    }
    return (double) steps * imagesPerStep / ((System.nanoTime() - start) / 1e9);
  }
}
