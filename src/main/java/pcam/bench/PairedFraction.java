package pcam.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model's FLOP rate as a fraction of the matmul ceiling, from measurements adjacent in time:
 * products, steps, products, steps, ..., products. Each timed step's FLOP rate is divided by the
 * mean rate of the timed products right before and after it, and the fraction is the median of
 * those ratios. This machine's speed shifts within seconds (hypervisor steal, a busy sibling
 * hyperthread): in one run the fastest of 30 products in one grid cell was 174 GFLOP/s and in the
 * next 246. A ceiling and a model rate taken seconds apart, or the best of each taken separately,
 * then compare two different machines; a step and the products right around it see the same one.
 *
 * <p>Only the second of two back-to-back products or steps is timed: the first runs on caches the
 * other kind just evicted (a product right after a step was about 3% slower in a probe), which
 * would bias the ratio.
 */
public final class PairedFraction {
  /**
   * @param imagesPerSecond the best round's mean throughput over the timed steps
   * @param flopFraction median over steps of step FLOP rate / neighbouring products' mean rate
   * @param fastestProductGflops the fastest single product seen
   */
  record Result(double imagesPerSecond, double flopFraction, double fastestProductGflops) {}

  private PairedFraction() {}

  static Result measure(MatmulBench ceiling, Runnable step, int imagesPerStep, long flopsPerImage, Throughput.Plan plan) {
    for (int i = 0; i < plan.warmup(); i++) {
      step.run();
    }
    double bestMean = 0;
    List<Double> allRatios = new ArrayList<>();
    double fastestProduct = 0;
    for (int round = 0; round < plan.rounds(); round++) {
      double[] products = new double[plan.steps() + 1];
      double[] stepSeconds = new double[plan.steps()];
      products[0] = secondOfTwo(ceiling);
      for (int i = 0; i < plan.steps(); i++) {
        step.run();
        long start = System.nanoTime();
        step.run();
        stepSeconds[i] = (System.nanoTime() - start) / 1e9;
        products[i + 1] = secondOfTwo(ceiling);
      }
      bestMean = Math.max(bestMean, plan.steps() * imagesPerStep / Arrays.stream(stepSeconds).sum());
      fastestProduct = Math.max(fastestProduct, Arrays.stream(products).max().orElseThrow());
      for (double ratio : ratios(products, stepSeconds, (double) imagesPerStep * flopsPerImage)) {
        allRatios.add(ratio);
      }
    }
    return new Result(bestMean, median(allRatios), fastestProduct);
  }

  private static double secondOfTwo(MatmulBench ceiling) {
    ceiling.gflops();
    return ceiling.gflops();
  }

  /** Step i's FLOP rate over the mean of products i and i+1. */
  static double[] ratios(double[] productGflops, double[] stepSeconds, double flopsPerStep) {
    double[] ratios = new double[stepSeconds.length];
    for (int i = 0; i < stepSeconds.length; i++) {
      double ceiling = (productGflops[i] + productGflops[i + 1]) / 2;
      ratios[i] = flopsPerStep / stepSeconds[i] / 1e9 / ceiling;
    }
    return ratios;
  }

  /** The median (the mean of the middle two for an even count); every paired ratio in the bench uses it. */
  public static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
