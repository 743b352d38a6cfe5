package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  static final String HISTORY = """
      epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_auc,lr,img_per_s
      1,0.69,0.55,0.66,0.60,0.70,0.001,240
      2,0.55,0.72,0.52,0.75,0.82,0.001,251
      3,0.48,0.78,0.50,0.77,0.85,0.0005,249
      """;

  @Test
  void rocAndConfusionArePngsOfTheExpectedSize(@TempDir Path tmp) throws Exception {
    float[] p = {0.1f, 0.4f, 0.35f, 0.8f, 0.9f, 0.2f};
    float[] y = {0, 0, 1, 1, 1, 0};
    Charts.roc(p, y, tmp.resolve("roc.png"));
    Charts.confusion(BinaryMetrics.confusion(p, y, 0.5), 0.5, tmp.resolve("confusion.png"));
    assertPng(tmp.resolve("roc.png"), Charts.WIDTH, Charts.HEIGHT);
    assertPng(tmp.resolve("confusion.png"), Charts.CONFUSION_SIZE, Charts.CONFUSION_SIZE);
  }

  @Test
  void trainingCurvesOnePerMetric(@TempDir Path tmp) throws Exception {
    Path csv = tmp.resolve("history.csv");
    Files.writeString(csv, HISTORY);
    History history = History.read(csv);
    assertThat(history.epochs()).isEqualTo(3);
    assertThat(history.metrics()).containsExactly("loss", "accuracy", "auc");
    assertThat(history.column("val_auc")).containsExactly(0.70, 0.82, 0.85);
    List<Path> pngs = Charts.trainingCurves(history, tmp);
    assertThat(pngs).extracting(f -> f.getFileName().toString())
        .containsExactly("curves-loss.png", "curves-accuracy.png", "curves-auc.png");
    for (Path png : pngs) {
      assertPng(png, Charts.WIDTH, Charts.HEIGHT);
    }
  }

  static void assertPng(Path png, int width, int height) throws Exception {
    assertThat(Files.size(png)).isGreaterThan(2000);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(width);
    assertThat(image.getHeight()).isEqualTo(height);
    // Something was drawn: not a single flat colour.
    int first = image.getRGB(0, 0);
    boolean varied = false;
    for (int y = 0; y < height && !varied; y += 7) {
      for (int x = 0; x < width && !varied; x += 7) {
        varied = image.getRGB(x, y) != first;
      }
    }
    assertThat(varied).as(png + " has content").isTrue();
  }
}
