package pcam.slide;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import pcam.SharedData;

/** The shared test slide mosaic-a.tif and its cells.csv (see ../shared/data/slides/README.md). */
public final class Mosaic {
  /** One 96x96 cell at PCam scale (level 1): top-left (x, y), kind, Kaggle id and label (-1 on glass). */
  public record Cell(int x, int y, String kind, String id, int label) {
    public boolean isTissue() {
      return !kind.equals("glass");
    }
  }

  private Mosaic() {}

  public static Path slide() {
    return SharedData.root().resolve("slides").resolve("mosaic-a.tif");
  }

  public static List<Cell> cells() {
    List<Cell> cells = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(SharedData.root().resolve("slides").resolve("mosaic-a.cells.csv"))) {
      for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
        String label = r.get("label");
        cells.add(new Cell(Integer.parseInt(r.get("x")), Integer.parseInt(r.get("y")), r.get("kind"), r.get("kaggle_id"),
            label.isEmpty() ? -1 : Integer.parseInt(label)));
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read mosaic-a.cells.csv", e);
    }
    return cells;
  }
}
