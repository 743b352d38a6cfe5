package pcam.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import pcam.util.AtomicFiles;

/**
 * A PNG of a few patches per class, one labelled row per class, each patch drawn at 2x with the
 * centre 32x32 (the region that decides the label) outlined. Pure java.awt on an off-screen
 * image, so it works headless.
 */
public final class ContactSheet {
  private static final int SCALE = 2;
  private static final int GAP = 6;
  private static final int LABEL_WIDTH = 215;
  private static final Color OUTLINE = new Color(0, 200, 90);

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ContactSheet() {}

  /** One labelled row of patches. */
  public record Row(String title, List<byte[]> patches) {}

  /** The first {@code perClass} patches of each class of {@code set}, in set order. */
  public static List<Row> rowsByClass(PatchSet set, int perClass) {
    List<Row> rows = new ArrayList<>();
    for (int label = 0; label <= 1; label++) {
      List<byte[]> patches = new ArrayList<>();
      for (int i = 0; i < set.size() && patches.size() < perClass; i++) {
        if (set.label(i) == label) {
          patches.add(set.pixels(i));
        }
      }
      String meaning = label == 0 ? "no tumour in centre" : "tumour in centre";
      rows.add(new Row("label " + label + ": " + meaning + " (n=" + set.count(label) + ")", patches));
    }
    return rows;
  }

  /**
   * For {@code perClass} patches of each class: the original, then {@code draws} augmented
   * versions, one row per patch. Deterministic for a seed (each row its own stream).
   */
  public static List<Row> augmentedRows(PatchSet set, int perClass, Augmentation augmentation, int draws, long seed) {
    Augmenter augmenter = new Augmenter(augmentation);
    List<Row> rows = new ArrayList<>();
    for (int label = 0; label <= 1; label++) {
      int shown = 0;
      for (int i = 0; i < set.size() && shown < perClass; i++) {
        if (set.label(i) != label) {
          continue;
        }
        shown++;
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed * 1_000_003L + i);
        List<byte[]> patches = new ArrayList<>();
        patches.add(set.pixels(i));
        for (int d = 0; d < draws; d++) {
          byte[] out = new byte[set.bytesPerPatch()];
          augmenter.apply(set.pixels(i), set.height(), set.width(), random, out, 0);
          patches.add(out);
        }
        rows.add(new Row("label " + label + ": original, then " + draws + " draws", patches));
      }
    }
    return rows;
  }

  public static BufferedImage render(List<Row> rows, int height, int width) {
    int columns = Math.max(1, rows.stream().mapToInt(r -> r.patches().size()).max().orElse(1));
    int cellW = width * SCALE + GAP;
    int cellH = height * SCALE + GAP;
    BufferedImage sheet =
        new BufferedImage(LABEL_WIDTH + columns * cellW + GAP, rows.size() * cellH + GAP, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      for (int r = 0; r < rows.size(); r++) {
        int top = GAP + r * cellH;
        drawTitle(g, rows.get(r).title(), top + height * SCALE / 2);
        List<byte[]> patches = rows.get(r).patches();
        for (int c = 0; c < patches.size(); c++) {
          int left = LABEL_WIDTH + GAP + c * cellW;
          g.drawImage(toImage(patches.get(c), height, width), left, top, width * SCALE, height * SCALE, null);
          g.setColor(OUTLINE);
          g.setStroke(new BasicStroke(2));
          int from = (width - 32) / 2 * SCALE;
          g.drawRect(left + from, top + (height - 32) / 2 * SCALE, 32 * SCALE - 1, 32 * SCALE - 1);
        }
      }
    } finally {
      g.dispose();
    }
    return sheet;
  }

  public static void write(Path png, List<Row> rows, int height, int width) {
    BufferedImage sheet = render(rows, height, width);
    AtomicFiles.write(png, tmp -> ImageIO.write(sheet, "png", tmp.toFile()));
  }

  /** Titles wrap at ": " so that "label 0" and its meaning sit on two lines. */
  private static void drawTitle(Graphics2D g, String title, int middle) {
    g.setColor(Color.BLACK);
    String[] lines = title.split(": ", 2);
    int lineHeight = g.getFontMetrics().getHeight();
    int y = middle - (lines.length - 1) * lineHeight / 2;
    for (String line : lines) {
      g.drawString(line, GAP, y);
      y += lineHeight;
    }
  }

  private static BufferedImage toImage(byte[] pixels, int height, int width) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int at = (y * width + x) * 3;
        image.setRGB(x, y, (pixels[at] & 0xff) << 16 | (pixels[at + 1] & 0xff) << 8 | (pixels[at + 2] & 0xff));
      }
    }
    return image;
  }
}
