package pcam.slide;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.data.Batch;
import pcam.data.Resize;
import pcam.eval.Tta;
import pcam.model.ScoringModel;
import pcam.util.Progress;

/**
 * Scores every tissue window of a slide. The level is read in blocks of windows (aligned with the
 * TIFF tiles where the stride allows, so each tile is decoded once); background threads read and
 * decode the next blocks while the calling thread runs the model, at most {@code 2 x threads}
 * blocks ahead. Blocks without tissue in the mask are never read. Memory is bounded by those
 * blocks, the mask and one (x, y, probability) per scored window, whatever the slide's size.
 *
 * <p>A window is scored when the low-resolution mask puts at least half of {@code minTissue} of
 * it on tissue (a cheap filter) and its own full-resolution pixels are at least {@code minTissue}
 * tissue by the same rule (so glass next to tissue, where the mask blurs, stays unscored).
 */
public final class SlideScorer {
  private static final Logger log = LoggerFactory.getLogger(SlideScorer.class);

  /** How to score: the batch, TTA, decoding threads and the tissue fraction a window needs. */
  public record Options(int batchSize, Tta tta, int threads, double minTissue) {
    public Options {
      if (batchSize <= 0 || threads <= 0) {
        throw new IllegalArgumentException("batch size and threads must be positive");
      }
    }
  }

  /** The scored windows (level-0 top-left corners) and what happened. */
  public record Result(int[] xs, int[] ys, float[] probabilities, int windowSize0, int stride0, long candidates,
      List<String> unreadable, long nanos, boolean interrupted) {
    public int count() {
      return probabilities.length;
    }

    public double windowsPerSecond() {
      return nanos == 0 ? 0 : count() / (nanos / 1e9);
    }
  }

  private record Chunk(int[] xs, int[] ys, Batch batch, int candidates, List<String> unreadable) {}

  private final Slide slide;
  private final TissueMask mask;
  private final LevelChoice choice;
  private final ScoringModel model;
  private final Options options;
  private final int cols;
  private final int rows;
  private final int block;
  private volatile boolean stop;

  public SlideScorer(Slide slide, TissueMask mask, LevelChoice choice, ScoringModel model, Options options) {
    this.slide = slide;
    this.mask = mask;
    this.choice = choice;
    this.model = model;
    this.options = options;
    Slide.Level level = slide.level(choice.level());
    this.cols = level.width() < choice.windowPx() ? 0 : (level.width() - choice.windowPx()) / choice.stridePx() + 1;
    this.rows = level.height() < choice.windowPx() ? 0 : (level.height() - choice.windowPx()) / choice.stridePx() + 1;
    this.block = blockWindows(choice.stridePx(), level.tileWidth());
  }

  /**
   * Windows per block side: the smallest count whose span is a whole number of tiles (so blocks
   * share no tile) if that stays within 2048 pixels, else about 1024 pixels' worth.
   */
  static int blockWindows(int stride, int tile) {
    for (int k = 1; k * stride <= 2048; k++) {
      if ((k * stride) % tile == 0) {
        return k;
      }
    }
    return Math.max(1, 1024 / stride);
  }

  /** Asks a running {@link #score} to stop after the current batch (Ctrl-C). */
  public void requestStop() {
    stop = true;
  }

  public int columns() {
    return cols;
  }

  public int rows() {
    return rows;
  }

  public Result score() {
    long start = System.nanoTime();
    int blocksAcross = (cols + block - 1) / block;
    int blocksDown = (rows + block - 1) / block;
    long candidates = 0;
    for (int by = 0; by < blocksDown; by++) {
      for (int bx = 0; bx < blocksAcross; bx++) {
        candidates += candidates(bx, by).size();
      }
    }
    log.info("{} x {} windows of {}px at level {} (stride {}px), {} with tissue in the mask, in blocks of {}x{}",
        cols, rows, choice.windowPx(), choice.level(), choice.stridePx(), candidates, block, block);
    IntList xs = new IntList();
    IntList ys = new IntList();
    FloatList ps = new FloatList();
    List<String> unreadable = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "pcam-slide-decode");
      t.setDaemon(true);
      return t;
    });
    int input = model.inputHeight();
    Accumulator pending = new Accumulator(options.batchSize(), input, model.inputWidth());
    boolean interrupted = false;
    try (Progress progress = Progress.start("slide", candidates, "win")) {
      ArrayDeque<Future<Chunk>> queue = new ArrayDeque<>();
      int next = 0;
      int blocks = blocksAcross * blocksDown;
      int prefetch = 2 * options.threads();
      while (next < blocks || !queue.isEmpty()) {
        while (queue.size() < prefetch && next < blocks) {
          int bx = next % blocksAcross;
          int by = next / blocksAcross;
          next++;
          List<int[]> windows = candidates(bx, by);
          if (!windows.isEmpty()) {
            queue.add(pool.submit(() -> decode(windows)));
          }
        }
        if (queue.isEmpty()) {
          continue;
        }
        Chunk chunk = await(queue.poll());
        unreadable.addAll(chunk.unreadable());
        for (String u : chunk.unreadable()) {
          log.warn("unreadable, skipped: {}", u);
        }
        pending.add(chunk);
        while (pending.full()) {
          pending.score(model, options.tta(), xs, ys, ps);
        }
        progress.step(chunk.candidates());
        if (stop) {
          interrupted = true;
          break;
        }
      }
      if (!interrupted) {
        pending.score(model, options.tta(), xs, ys, ps);
      }
    } finally {
      pool.shutdownNow();
    }
    Result result = new Result(xs.toArray(), ys.toArray(), ps.toArray(), choice.windowLevel0(),
        (int) Math.round(choice.stridePx() * choice.downsample()), candidates, List.copyOf(unreadable),
        System.nanoTime() - start, interrupted);
    log.info("scored {} windows in {} s ({} windows/s, tta {}, batch {}){}", result.count(),
        String.format("%.1f", result.nanos() / 1e9), String.format("%.0f", result.windowsPerSecond()),
        options.tta().label(), options.batchSize(), interrupted ? " - interrupted" : "");
    return result;
  }

  /** Windows {column, row} of block (bx, by) that the mask puts on tissue. */
  private List<int[]> candidates(int bx, int by) {
    List<int[]> out = new ArrayList<>();
    double size0 = choice.windowPx() * choice.downsample();
    double cut = options.minTissue() / 2;
    for (int r = by * block; r < Math.min(rows, (by + 1) * block); r++) {
      for (int c = bx * block; c < Math.min(cols, (bx + 1) * block); c++) {
        double x0 = (double) c * choice.stridePx() * choice.downsample();
        double y0 = (double) r * choice.stridePx() * choice.downsample();
        double f = mask.fraction(x0, y0, size0);
        if (f > 0 && f >= cut) {
          out.add(new int[] {c, r});
        }
      }
    }
    return out;
  }

  private Chunk decode(List<int[]> windows) {
    int w = choice.windowPx();
    int s = choice.stridePx();
    int c0 = Integer.MAX_VALUE;
    int r0 = Integer.MAX_VALUE;
    int c1 = 0;
    int r1 = 0;
    for (int[] cr : windows) {
      c0 = Math.min(c0, cr[0]);
      r0 = Math.min(r0, cr[1]);
      c1 = Math.max(c1, cr[0]);
      r1 = Math.max(r1, cr[1]);
    }
    int rx = c0 * s;
    int ry = r0 * s;
    int rw = (c1 - c0) * s + w;
    int rh = (r1 - r0) * s + w;
    byte[] region = null;
    List<String> unreadable = new ArrayList<>();
    try {
      region = slide.readRegion(choice.level(), rx, ry, rw, rh);
    } catch (Slide.UnreadableRegionException e) {
      // Find out window by window which ones are lost, and keep the rest.
    }
    int bytes = w * w * 3;
    byte[] pixels = new byte[windows.size() * bytes];
    IntList xs = new IntList();
    IntList ys = new IntList();
    for (int[] cr : windows) {
      byte[] src;
      int offset;
      int stride;
      if (region != null) {
        src = region;
        offset = ((cr[1] * s - ry) * rw + (cr[0] * s - rx)) * 3;
        stride = rw * 3;
      } else {
        try {
          src = slide.readRegion(choice.level(), cr[0] * s, cr[1] * s, w, w);
        } catch (Slide.UnreadableRegionException e) {
          unreadable.add(e.getMessage());
          continue;
        }
        offset = 0;
        stride = w * 3;
      }
      if (!mask.hasTissue(src, offset, stride, w, w, options.minTissue())) {
        continue;
      }
      int at = xs.size() * bytes;
      for (int y = 0; y < w; y++) {
        System.arraycopy(src, offset + y * stride, pixels, at + y * w * 3, w * 3);
      }
      xs.add((int) Math.round(cr[0] * s * choice.downsample()));
      ys.add((int) Math.round(cr[1] * s * choice.downsample()));
    }
    int n = xs.size();
    Batch batch = new Batch(n == windows.size() ? pixels : Arrays.copyOf(pixels, n * bytes), new float[n], n, w, w);
    return new Chunk(xs.toArray(), ys.toArray(), Resize.bilinear(batch, model.inputHeight(), model.inputWidth()),
        windows.size(), unreadable);
  }

  private static Chunk await(Future<Chunk> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the slide", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /** Windows waiting for a full batch. */
  private static final class Accumulator {
    private final int batchSize;
    private final int bytes;
    private final int h;
    private final int w;
    private final byte[] pixels;
    private final int[] xs;
    private final int[] ys;
    private final ArrayDeque<Chunk> overflow = new ArrayDeque<>();
    private int count;
    private int chunkOffset;

    Accumulator(int batchSize, int h, int w) {
      this.batchSize = batchSize;
      this.h = h;
      this.w = w;
      this.bytes = h * w * 3;
      this.pixels = new byte[batchSize * bytes];
      this.xs = new int[batchSize];
      this.ys = new int[batchSize];
    }

    void add(Chunk chunk) {
      overflow.add(chunk);
      fill();
    }

    private void fill() {
      while (count < batchSize && !overflow.isEmpty()) {
        Chunk c = overflow.peek();
        int take = Math.min(batchSize - count, c.batch().count() - chunkOffset);
        System.arraycopy(c.batch().pixels(), chunkOffset * bytes, pixels, count * bytes, take * bytes);
        System.arraycopy(c.xs(), chunkOffset, xs, count, take);
        System.arraycopy(c.ys(), chunkOffset, ys, count, take);
        count += take;
        chunkOffset += take;
        if (chunkOffset == c.batch().count()) {
          overflow.poll();
          chunkOffset = 0;
        }
      }
    }

    boolean full() {
      return count == batchSize;
    }

    /** Scores what is held (a full batch, or the rest at the end). */
    void score(ScoringModel model, Tta tta, IntList outX, IntList outY, FloatList outP) {
      while (count > 0) {
        Batch batch = new Batch(count == batchSize ? pixels : Arrays.copyOf(pixels, count * bytes), new float[count],
            count, h, w);
        float[] p = tta.predict(model, batch);
        for (int i = 0; i < count; i++) {
          outX.add(xs[i]);
          outY.add(ys[i]);
          outP.add(p[i]);
        }
        count = 0;
        fill();
        if (count < batchSize && !overflow.isEmpty()) {
          continue;
        }
        if (count < batchSize) {
          return; // wait for more windows unless this is the end (caller calls again)
        }
      }
    }
  }

  static final class IntList {
    private int[] a = new int[256];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, 2 * n);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  static final class FloatList {
    private float[] a = new float[256];
    private int n;

    void add(float v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, 2 * n);
      }
      a[n++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
