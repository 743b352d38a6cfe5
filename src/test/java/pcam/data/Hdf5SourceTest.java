package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import pcam.SharedData;
import pcam.util.InputException;

/**
 * PCam HDF5 against the same real patches as Kaggle TIFFs: the sample's train and valid splits
 * are chunked+gzip, test is contiguous, and {split}_ids.csv maps each row to its Kaggle id.
 */
class Hdf5SourceTest {
  @TempDir Path tmp;

  static List<String> kaggleIds(Path dir, DataLayout.Split split) {
    return SharedData.pcamH5KaggleIds(split.name());
  }

  @ParameterizedTest
  @EnumSource(DataLayout.Split.class)
  void everyRowHasTheKagglePixelsAndLabelOfTheSamePatch(DataLayout.Split split) throws IOException {
    Path h5 = SharedData.pcamH5Sample();
    Path kaggle = SharedData.pcamSample();
    Map<String, Byte> kaggleLabels = new HashMap<>();
    LabelsCsv.readLabels(kaggle.resolve("train_labels.csv")).forEach(r -> kaggleLabels.put(r.id(), r.label()));
    List<String> ids = kaggleIds(h5, split);
    try (PatchSource source = DataLayout.labelled(h5, split).open()) {
      assertThat(source.size()).isEqualTo(ids.size());
      assertThat(source.labelled()).isTrue();
      byte[] all = new byte[ids.size() * PatchReader.BYTES];
      source.readRange(0, ids.size(), all, 0);
      for (int i = 0; i < ids.size(); i++) {
        assertThat(source.ids().get(i)).isEqualTo(Integer.toString(i));
        assertThat(source.label(i)).as("label of row %d", i).isEqualTo(kaggleLabels.get(ids.get(i)).intValue());
        assertThat(java.util.Arrays.copyOfRange(all, i * PatchReader.BYTES, (i + 1) * PatchReader.BYTES)).as("pixels of row %d", i)
            .isEqualTo(PatchReader.read(kaggle.resolve("train").resolve(ids.get(i) + ".tif")));
      }
    }
  }

  @Test
  void aRangeReadEqualsRowReadsAcrossChunkBoundaries() {
    Path h5 = SharedData.pcamH5Sample();
    for (DataLayout.Split split : List.of(DataLayout.Split.train, DataLayout.Split.test)) {
      try (PatchSource source = DataLayout.forScoring(h5, split).open()) {
        int from = 27;
        int n = 40;
        byte[] range = new byte[n * PatchReader.BYTES];
        source.readRange(from, n, range, 0);
        for (int k = 0; k < n; k++) {
          byte[] row = java.util.Arrays.copyOfRange(range, k * PatchReader.BYTES, (k + 1) * PatchReader.BYTES);
          assertThat(row).as("%s row %d", split, from + k).isEqualTo(source.read(from + k));
        }
        assertThat(source.labelled()).isFalse();
      }
    }
  }

  @Test
  void loadingAPcamSplitGivesTheSamePatchSetAsTheTiffs() throws IOException {
    Path h5 = SharedData.pcamH5Sample();
    List<String> ids = kaggleIds(h5, DataLayout.Split.valid);
    DataSpec spec = new DataSpec(DataLayout.pcamLabels(h5, DataLayout.Split.valid),
        DataLayout.pcamImages(h5, DataLayout.Split.valid), null, null, 0, 1, 0, 255, false, false, false);
    PatchSet set = Datasets.loadLabelled(spec);
    assertThat(set.size()).isEqualTo(ids.size());
    for (int i = 0; i < set.size(); i += 17) {
      assertThat(set.id(i)).isEqualTo(Integer.toString(i));
      assertThat(set.pixels(i)).isEqualTo(PatchReader.read(SharedData.pcamSample().resolve("train").resolve(ids.get(i) + ".tif")));
    }
  }

  @Test
  void aFolderWithSomeSplitsOffersThoseAndNamesTheMissingOne() throws IOException {
    Path h5 = SharedData.pcamH5Sample();
    Path dir = Files.createDirectory(tmp.resolve("only-test"));
    Files.createSymbolicLink(dir.resolve("camelyonpatch_level_2_split_test_x.h5"),
        DataLayout.pcamImages(h5, DataLayout.Split.test).toAbsolutePath());
    Files.createSymbolicLink(dir.resolve("camelyonpatch_level_2_split_test_y.h5"),
        DataLayout.pcamLabels(h5, DataLayout.Split.test).toAbsolutePath());
    assertThat(DataLayout.pcamSplits(dir)).containsExactly(DataLayout.Split.test);
    assertThat(DataLayout.labelled(dir, DataLayout.Split.test).images().getFileName().toString())
        .isEqualTo("camelyonpatch_level_2_split_test_x.h5");
    assertThatThrownBy(() -> DataLayout.labelled(dir, null))
        .isInstanceOf(InputException.class)
        .hasMessage(dir + ": no PCam train split (camelyonpatch_level_2_split_train_x.h5); this folder has [test]");
  }

  @Test
  void gzippedDownloadIsToldToBeDecompressedFirst() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("dl"));
    Path gz = Files.write(dir.resolve("camelyonpatch_level_2_split_valid_x.h5.gz"), new byte[] {31, -117, 8, 0});
    assertThatThrownBy(() -> DataLayout.labelled(dir, DataLayout.Split.valid).open())
        .isInstanceOf(InputException.class)
        .hasMessage(dir.resolve("camelyonpatch_level_2_split_valid_x.h5") + ": not found, but " + gz
            + " is; decompress it first (gunzip -k " + gz + ")");
    assertThatThrownBy(() -> Hdf5Source.open(gz, null))
        .isInstanceOf(InputException.class)
        .hasMessage(gz + ": still gzip-compressed as downloaded; decompress it first (gunzip -k " + gz + ")");
  }

  @Test
  void wrongShapesTypesAndLabelsAreNamed() {
    Path x = tmp.resolve("small_x.h5");
    try (WritableHdfFile f = HdfFile.write(x)) {
      f.putDataset("x", new byte[2][8][8][3]);
    }
    assertThatThrownBy(() -> Hdf5Source.open(x, null))
        .isInstanceOf(InputException.class)
        .hasMessage(x + ": dataset /x has shape [2, 8, 8, 3], expected [N, 96, 96, 3] (PatchCamelyon patches)");

    Path good = tmp.resolve("good_x.h5");
    try (WritableHdfFile f = HdfFile.write(good)) {
      f.putDataset("x", new byte[3][96][96][3]);
    }
    Path y = tmp.resolve("good_y.h5");
    try (WritableHdfFile f = HdfFile.write(y)) {
      f.putDataset("y", new byte[][][][] {{{{0}}}, {{{2}}}, {{{1}}}});
    }
    assertThatThrownBy(() -> Hdf5Source.open(good, y))
        .isInstanceOf(InputException.class)
        .hasMessage(y + ": label 2 at row 1, expected 0 or 1");

    Path shortY = tmp.resolve("short_y.h5");
    try (WritableHdfFile f = HdfFile.write(shortY)) {
      f.putDataset("y", new byte[][][][] {{{{0}}}});
    }
    assertThatThrownBy(() -> Hdf5Source.open(good, shortY))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(shortY + ": 1 labels (shape [1, 1, 1, 1]) for 3 images");

    Path floats = tmp.resolve("floats_x.h5");
    try (WritableHdfFile f = HdfFile.write(floats)) {
      f.putDataset("x", new float[1][96][96][3]);
    }
    assertThatThrownBy(() -> Hdf5Source.open(floats, null))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(floats + ": dataset /x holds").hasMessageContaining("expected uint8");

    Path notH5 = tmp.resolve("text_x.h5");
    assertThatThrownBy(() -> Hdf5Source.open(Files.writeString(notH5, "hello"), null))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(notH5 + ": not a readable HDF5 file");
  }

  @Test
  void metaCsvBesideTheImagesAddsWsiAndCoordinates() throws IOException {
    Path x = tmp.resolve("camelyonpatch_level_2_split_test_x.h5");
    byte[][][][] pixels = new byte[2][96][96][3];
    pixels[1][5][7][2] = 9;
    try (WritableHdfFile f = HdfFile.write(x)) {
      f.putDataset("x", pixels);
    }
    Files.writeString(tmp.resolve("camelyonpatch_level_2_split_test_meta.csv"),
        ",coord_y,coord_x,tumor_patch,center_tumor_patch,wsi\n0,100,200,False,False,camelyon16_test_001\n"
            + "1,300,400,True,True,camelyon16_test_002\n");
    try (PatchSource source = Hdf5Source.open(x, null)) {
      assertThat(source.read(1)[(5 * 96 + 7) * 3 + 2]).isEqualTo((byte) 9);
      PatchSource.Meta meta = source.meta().orElseThrow();
      assertThat(meta.columns()).containsExactly("wsi", "coord_y", "coord_x");
      assertThat(meta.row(1)).containsExactly("camelyon16_test_002", "300", "400");
    }
  }
}
