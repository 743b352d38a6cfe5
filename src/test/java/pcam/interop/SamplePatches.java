package pcam.interop;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import pcam.SharedData;
import pcam.data.Batch;
import pcam.data.PatchReader;
import pcam.data.PatchSet;

/** Real Kaggle patches from {@code ../shared/data/pcam-sample}, read directly, for interop tests. */
final class SamplePatches {
  private SamplePatches() {}

  /** Rows {@code from .. from+count-1} of train_labels.csv, in CSV order. */
  static PatchSet rows(int from, int count) {
    Path sample = SharedData.pcamSample();
    List<String> ids = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(sample.resolve("train_labels.csv"))) {
      int row = 0;
      for (CSVRecord record : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
        if (row >= from && row < from + count) {
          ids.add(record.get("id"));
          labels.add(Integer.parseInt(record.get("label")));
        }
        row++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] labelBytes = new byte[ids.size()];
    byte[][] pixels = new byte[ids.size()][];
    for (int i = 0; i < ids.size(); i++) {
      labelBytes[i] = labels.get(i).byteValue();
      pixels[i] = PatchReader.read(sample.resolve("train").resolve(ids.get(i) + ".tif"));
    }
    return new PatchSet(ids, labelBytes, pixels, PatchReader.SIZE, PatchReader.SIZE);
  }

  /** Rows {@code from .. to-1} of {@code set} as one batch, in order. */
  static Batch batch(PatchSet set, int from, int to) {
    int bytes = set.bytesPerPatch();
    byte[] pixels = new byte[(to - from) * bytes];
    float[] labels = new float[to - from];
    for (int i = from; i < to; i++) {
      System.arraycopy(set.pixels(i), 0, pixels, (i - from) * bytes, bytes);
      labels[i - from] = set.label(i);
    }
    return new Batch(pixels, labels, to - from, set.height(), set.width());
  }
}
