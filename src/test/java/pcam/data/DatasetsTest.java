package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.data.BadPatchException.Problem;
import pcam.util.InputException;

class DatasetsTest {
  @TempDir Path tmp;
  private Path data;
  private List<LabelsCsv.Row> rows;

  @BeforeEach
  void synthesise() {
    data = tmp.resolve("kaggle");
    SyntheticPatches.write(data, 40, 6, 4, false);
    rows = LabelsCsv.readLabels(data.resolve("train_labels.csv"));
  }

  @Test
  void realSampleLoadsWithItsClassCountsAndExactPixels() throws IOException {
    Path sample = SharedData.pcamSample();
    Datasets.Loaded loaded = Datasets.load(Specs.kaggle(sample).build());
    PatchSet set = loaded.patches();
    assertThat(loaded.report().inCsv()).isEqualTo(new Datasets.ClassCounts(2400, 1600));
    assertThat(loaded.report().droppedDark() + loaded.report().droppedBright()).isZero();
    assertThat(set.size()).isEqualTo(4000);
    assertThat(set.count(1)).isEqualTo(1600);
    String id = set.id(1234);
    assertThat(set.pixels(1234)).isEqualTo(TiffFixtures.rawRgb(sample.resolve("train").resolve(id + ".tif")));
  }

  @Test
  void realSampleSplitsStratified() {
    Datasets.Split split = Datasets.loadSplit(Specs.kaggle(SharedData.pcamSample()).build());
    assertThat(split.validation().count(0)).isEqualTo(240);
    assertThat(split.validation().count(1)).isEqualTo(160);
    assertThat(split.train().size()).isEqualTo(3600);
  }

  @Test
  void limitTakesTheFirstRows() {
    PatchSet set = Datasets.loadLabelled(Specs.kaggle(data).limit(15).build());
    assertThat(set.ids()).isEqualTo(rows.subList(0, 15).stream().map(LabelsCsv.Row::id).toList());
    for (int i = 0; i < 15; i++) {
      assertThat(set.label(i)).isEqualTo(rows.get(i).label());
    }
  }

  @Test
  void sampleIsStratifiedAfterCleaning() throws IOException {
    // A black patch is cleaned away before sampling, so it can never be sampled.
    String black = rows.get(0).id();
    SyntheticPatches.writeTiff(data.resolve("train").resolve(black + ".tif"), new byte[PatchReader.BYTES]);
    Datasets.Loaded loaded = Datasets.load(Specs.kaggle(data).sample(20).build());
    assertThat(loaded.report().droppedDark()).isEqualTo(1);
    assertThat(loaded.patches().size()).isEqualTo(20);
    assertThat(loaded.patches().ids()).doesNotContain(black);
  }

  @Test
  void missingImagesFailWithCountAndFirstIds() throws IOException {
    for (int i = 0; i < 7; i++) {
      Files.delete(image(rows.get(i).id()));
    }
    assertThatThrownBy(() -> Datasets.load(Specs.kaggle(data).build()))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("7 of 40 ids in " + data.resolve("train_labels.csv") + " have no image in " + data.resolve("train"))
        .hasMessageContaining("(first: " + rows.get(0).id() + ", " + rows.get(1).id())
        .hasMessageContaining(rows.get(4).id() + ", ...)")
        .hasMessageEndingWith("--skip-missing loads the rest");
  }

  @Test
  void skipMissingLoadsTheRest() throws IOException {
    Files.delete(image(rows.get(3).id()));
    Datasets.Loaded loaded = Datasets.load(Specs.kaggle(data).skipMissing().build());
    assertThat(loaded.patches().size()).isEqualTo(39);
    assertThat(loaded.report().missingIds()).containsExactly(rows.get(3).id());
  }

  @Test
  void badImageFailsFastNamingIt() throws IOException {
    Path bad = Files.writeString(image(rows.get(5).id()), "not an image");
    assertThatThrownBy(() -> Datasets.load(Specs.kaggle(data).build()))
        .isInstanceOf(BadPatchException.class)
        .hasMessageStartingWith(bad + ": not a TIFF");
  }

  @Test
  void skipBadSkipsAndReports() throws IOException {
    Files.writeString(image(rows.get(5).id()), "not an image");
    SyntheticPatches.writeTiff(image(rows.get(9).id()), new byte[PatchReader.BYTES]); // fine, but black
    Datasets.Loaded loaded = Datasets.load(Specs.kaggle(data).skipBad().build());
    assertThat(loaded.report().badImages()).extracting(Datasets.BadImage::id, Datasets.BadImage::problem)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(rows.get(5).id(), Problem.UNREADABLE));
    assertThat(loaded.report().decoded().total()).isEqualTo(39);
    assertThat(loaded.patches().size()).isEqualTo(38);
  }

  @Test
  void aCachedBadImageStillFailsWithoutSkipBad() throws IOException {
    Path bad = Files.writeString(image(rows.get(2).id()), "junk");
    Datasets.load(Specs.kaggle(data).skipBad().cache().build()); // writes a cache entry recording the bad file
    assertThatThrownBy(() -> Datasets.load(Specs.kaggle(data).cache().build()))
        .isInstanceOf(BadPatchException.class)
        .hasMessageStartingWith(bad + ": not a TIFF");
  }

  @Test
  void secondLoadFromCacheIsIdentical() {
    PatchSet first = Datasets.loadLabelled(Specs.kaggle(data).cache().build());
    PatchSet second = Datasets.loadLabelled(Specs.kaggle(data).cache().build());
    assertThat(second.ids()).isEqualTo(first.ids());
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.pixels(i)).isEqualTo(first.pixels(i));
      assertThat(second.pixels(i)).isNotSameAs(first.pixels(i));
    }
  }

  @Test
  void changedFileIsNotServedStale() throws IOException {
    Datasets.loadLabelled(Specs.kaggle(data).cache().build());
    String id = rows.get(0).id();
    byte[] grey = new byte[PatchReader.BYTES];
    java.util.Arrays.fill(grey, (byte) 77);
    SyntheticPatches.writeTiff(image(id), grey);
    PatchSet again = Datasets.loadLabelled(Specs.kaggle(data).cache().build());
    assertThat(again.pixels(again.ids().indexOf(id))).isEqualTo(grey);
  }

  @Test
  void missingCsvOrFolderIsNamed() {
    Path csv = tmp.resolve("none.csv");
    assertThatThrownBy(() -> Datasets.load(Specs.kaggle(data).labels(csv).build()))
        .isInstanceOf(InputException.class).hasMessage(csv + ": file not found");
    Path dir = tmp.resolve("no-images");
    assertThatThrownBy(() -> Datasets.load(Specs.kaggle(data).images(dir).build()))
        .isInstanceOf(InputException.class).hasMessage(dir + ": images folder not found");
  }

  @Test
  void headerOnlyCsvIsAnError() throws IOException {
    Path csv = Files.writeString(tmp.resolve("header.csv"), "id,label\n");
    assertThatThrownBy(() -> Datasets.load(Specs.kaggle(data).labels(csv).build()))
        .isInstanceOf(InputException.class).hasMessage(csv + ": no rows after the header");
  }

  @Test
  void unlabelledFolderWithoutIdsIsSortedByName() {
    PatchSet set = Datasets.loadUnlabelled(data.resolve("train"), null);
    assertThat(set.ids()).isSorted().hasSize(40);
    assertThat(set.count(PatchSet.UNLABELLED)).isEqualTo(40);
  }

  @Test
  void unlabelledFolderFollowsTheIdsCsv() throws IOException {
    List<String> ids = List.of(rows.get(7).id(), rows.get(2).id(), rows.get(30).id());
    Path csv = Files.writeString(tmp.resolve("ids.csv"), "id,label\n" + String.join(",0\n", ids) + ",0\n");
    PatchSet set = Datasets.loadUnlabelled(data.resolve("train"), csv);
    assertThat(set.ids()).isEqualTo(ids);
    assertThat(set.pixels(1)).isEqualTo(PatchReader.read(image(rows.get(2).id())));
  }

  @Test
  void loadedPixelsLiveInAMappedFileWithOrWithoutTheCache() {
    for (boolean cache : new boolean[] {true, true, false}) {
      PatchSet set = Datasets.loadLabelled(DataSpec.kaggle(data, 0, 1).withCache(cache));
      assertThat(set.isMapped()).as("cache %s", cache).isTrue();
      for (int i = 0; i < set.size(); i += 3) {
        assertThat(set.pixels(i)).isEqualTo(PatchReader.read(image(set.id(i))));
      }
    }
  }

  @Test
  void unlabelledIdsWithoutImagesAreAnError() throws IOException {
    Path csv = Files.writeString(tmp.resolve("ids.csv"), "id\n" + rows.get(0).id() + "\nabsent\n");
    assertThatThrownBy(() -> Datasets.loadUnlabelled(data.resolve("train"), csv))
        .isInstanceOf(InputException.class)
        .hasMessage(csv + ": 1 of 2 ids have no image in " + data.resolve("train") + " (first: absent.tif)");
  }

  @Test
  void emptyUnlabelledFolderIsAnError() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertThatThrownBy(() -> Datasets.loadUnlabelled(empty, null))
        .isInstanceOf(InputException.class).hasMessage(empty + ": no .tif images in this folder");
  }

  private Path image(String id) {
    return data.resolve("train").resolve(id + ".tif");
  }

}
