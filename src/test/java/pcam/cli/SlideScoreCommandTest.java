package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.SharedData;
import pcam.TestPatches;
import pcam.TinySavedModels;
import pcam.data.Augmentation;
import pcam.data.Batch;
import pcam.data.PatchReader;
import pcam.data.PatchSet;
import pcam.eval.BinaryMetrics;
import pcam.model.Architecture;
import pcam.model.CnnModel;
import pcam.model.Device;
import pcam.model.ModelSpec;
import pcam.model.SavedModelScorer;
import pcam.slide.Mosaic;
import pcam.slide.SlideFixtures;
import pcam.train.LearningRateSchedule;
import pcam.train.Trainer;
import pcam.train.TrainingPlan;
import pcam.util.Json;

@pcam.Slow
class SlideScoreCommandTest {
  @TempDir static Path shared;
  static Path cnn3;
  static Path mean;

  /**
   * A cnn3 trained for two epochs on 1,800 real sample patches that are not in mosaic-a (so the
   * mosaic's patches are held out), and the mean-intensity model for the fast cases.
   */
  @BeforeAll
  static void models() {
    Set<String> inMosaic = Mosaic.cells().stream().map(Mosaic.Cell::id).collect(Collectors.toSet());
    PatchSet all = TestPatches.realSample(0, 2200);
    int[] outside = IntStream.range(0, all.size()).filter(i -> !inMosaic.contains(all.id(i))).toArray();
    PatchSet train = all.select(IntStream.of(outside).limit(1800).toArray());
    PatchSet validation = all.select(IntStream.of(outside).skip(1800).limit(200).toArray());
    TrainingPlan plan =
        new TrainingPlan(2, 32, 1e-3, LearningRateSchedule.Config.CONSTANT, new Augmentation(true, true, 0), 0, 42, 1);
    cnn3 = shared.resolve("cnn3");
    try (CnnModel model = CnnModel.create(ModelSpec.defaults(Architecture.CNN3, 42), Device.AUTO, 0)) {
      new Trainer(plan, cnn3, pcam.train.TrainingListener.runOutputs(plan)).fit(model, train, validation, false);
      model.exportSavedModel(cnn3.resolve("model"));
    }
    mean = TinySavedModels.meanIntensity(shared.resolve("mean"), 96);
  }

  /**
   * On mosaic-a: level 1 for a 0.972 µm/px model, every window on a cell, no glass scored, and the
   * heatmap's AUC over the cells close to the same model's AUC on the original patches.
   */
  @Test
  void heatmapOfMosaicMatchesThePatchLevelModel(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    CliRun r = CliRun.run("slide", "score", "--model", cnn3.toString(), "--slide", Mosaic.slide().toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.get("level").asInt()).isEqualTo(1);
    assertThat(summary.get("level_mpp").asDouble()).isCloseTo(0.972, within(1e-3));
    assertThat(summary.get("model_mpp_source").asText()).endsWith("pcam-model.json");
    assertThat(summary.get("model_mpp").asDouble()).isEqualTo(0.972);

    Map<String, Mosaic.Cell> cells = new HashMap<>();
    for (Mosaic.Cell c : Mosaic.cells()) {
      cells.put(2 * c.x() + "," + 2 * c.y(), c);
    }
    List<Float> heat = new ArrayList<>();
    List<Float> labels = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    int tumourWindows = 0;
    try (Reader in = Files.newBufferedReader(out.resolve("tiles.csv"))) {
      for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
        Mosaic.Cell cell = cells.get(row.get("x") + "," + row.get("y"));
        assertThat(cell).as("window at %s,%s is on a cell", row.get("x"), row.get("y")).isNotNull();
        assertThat(cell.isTissue()).as("glass cell scored").isTrue();
        assertThat(row.get("size")).isEqualTo("192");
        assertThat(row.get("level")).isEqualTo("1");
        float p = Float.parseFloat(row.get("probability"));
        heat.add(p);
        labels.add((float) cell.label());
        ids.add(cell.id());
        tumourWindows += p >= 0.5 ? 1 : 0;
      }
    }
    assertThat(heat.size()).isEqualTo(summary.get("windows_scored").asInt()).isGreaterThan(120);

    // The same model on the original patches of the same cells.
    Path train = SharedData.pcamSample().resolve("train");
    byte[] pixels = new byte[ids.size() * 96 * 96 * 3];
    for (int i = 0; i < ids.size(); i++) {
      System.arraycopy(PatchReader.read(train.resolve(ids.get(i) + ".tif")), 0, pixels, i * 96 * 96 * 3, 96 * 96 * 3);
    }
    float[] patch;
    try (SavedModelScorer scorer = SavedModelScorer.load(cnn3.resolve("model"))) {
      patch = scorer.predict(new Batch(pixels, new float[ids.size()], ids.size(), 96, 96));
    }
    float[] y = toArray(labels);
    float[] h = toArray(heat);
    double heatmapAuc = BinaryMetrics.auc(h, y);
    double patchAuc = BinaryMetrics.auc(patch, y);
    System.out.printf("mosaic-a cnn3: heatmap AUC %.4f over %d cells, patch AUC %.4f%n", heatmapAuc, h.length, patchAuc);
    assertThat(patchAuc).isGreaterThan(0.7);
    assertThat(heatmapAuc).isCloseTo(patchAuc, within(0.03));

    // Tumour area: windows side by side, so it is their count times a window's area.
    double mpp = summary.get("slide_mpp").asDouble();
    assertThat(summary.get("tumour_area_mm2").asDouble())
        .isCloseTo(tumourWindows * Math.pow(192 * mpp / 1000, 2), within(1e-3));
    double max = heat.stream().mapToDouble(Float::doubleValue).max().orElseThrow();
    assertThat(summary.get("max_probability").asDouble()).isCloseTo(max, within(1e-5));
    JsonNode geo = Json.MAPPER.readTree(out.resolve("regions.geojson").toFile());
    assertThat(geo.get("type").asText()).isEqualTo("FeatureCollection");
    double polygonArea = 0;
    for (JsonNode f : geo.get("features")) {
      assertThat(f.get("geometry").get("type").asText()).isEqualTo("Polygon");
      polygonArea += f.get("properties").get("area_mm2").asDouble();
      for (JsonNode point : f.get("geometry").get("coordinates").get(0)) {
        assertThat(point.get(0).asLong()).isBetween(0L, 3840L);
        assertThat(point.get(1).asLong()).isBetween(0L, 2688L);
      }
    }
    assertThat(polygonArea).isCloseTo(summary.get("tumour_area_mm2").asDouble(), within(1e-3));
    for (String name : List.of("heatmap.png", "tissue.png", "report.html")) {
      assertThat(out.resolve(name)).isNotEmptyFile();
    }
    assertThat(out.resolve("report.html")).content().contains("heatmap.png", "tissue.png", "regions.geojson");
    assertThat(r.out()).contains("level 1");
  }

  @Test
  void aFolderOfSlidesIsResumable(@TempDir Path tmp) throws Exception {
    Path slides = Files.createDirectories(tmp.resolve("slides"));
    SlideFixtures.write(slides.resolve("a.tif"), 1024, 768, 3, 256, "JPEG", 0.972);
    SlideFixtures.write(slides.resolve("b.tiff"), 768, 512, 2, 256, "LZW", 0.972);
    Files.writeString(slides.resolve("notes.txt"), "not a slide");
    Path out = tmp.resolve("out");
    CliRun first = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", slides.toString(), "--out", out.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(out.resolve("a/summary.json")).isNotEmptyFile();
    assertThat(out.resolve("b/summary.json")).isNotEmptyFile();
    JsonNode a = Json.MAPPER.readTree(out.resolve("a/summary.json").toFile());
    assertThat(a.get("level").asInt()).isZero();
    assertThat(a.get("windows_scored").asInt()).isPositive();
    Files.delete(out.resolve("b/summary.json"));
    CliRun second = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", slides.toString(), "--out", out.toString());
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("skip " + slides.resolve("a.tif")).contains("b.tiff: level 0");
  }

  @Test
  void anUnreadableTileIsReportedAndTheRestIsScored(@TempDir Path tmp) throws Exception {
    Path slide = SlideFixtures.write(tmp.resolve("bad.tif"), 1536, 1024, 2, 256, "JPEG", 0.972);
    long[] tile = SlideFixtures.tile(slide, 0, 6 + 2); // column 2, row 1 of level 0: inside the disc
    SlideFixtures.zero(slide, tile[0], (int) tile[1]);
    Path out = tmp.resolve("out");
    CliRun r = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", slide.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.get("unreadable").size()).isPositive();
    assertThat(summary.get("unreadable").get(0).asText()).contains("does not decode").contains("x=");
    // Exactly the windows that touch tile (2,1), pixels 512..767 x 256..511, are lost; all others are scored.
    Path clean = SlideFixtures.write(tmp.resolve("clean.tif"), 1536, 1024, 2, 256, "JPEG", 0.972);
    CliRun ok = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", clean.toString(), "--out", tmp.resolve("clean").toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    Set<String> all = windows(tmp.resolve("clean/tiles.csv"));
    Set<String> kept = windows(out.resolve("tiles.csv"));
    Set<String> expected = all.stream().filter(w -> {
      int x = Integer.parseInt(w.split(",")[0]);
      int y = Integer.parseInt(w.split(",")[1]);
      return !(x + 96 > 512 && x < 768 && y + 96 > 256 && y < 512);
    }).collect(Collectors.toSet());
    assertThat(kept).isEqualTo(expected);
    assertThat(all.size() - kept.size()).isEqualTo(12);
  }

  private static Set<String> windows(Path csv) throws Exception {
    try (Reader in = Files.newBufferedReader(csv)) {
      Set<String> out = new java.util.HashSet<>();
      for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
        out.add(row.get("x") + "," + row.get("y"));
      }
      return out;
    }
  }

  @Test
  void badInputIsOneLineAndExitTwo(@TempDir Path tmp) throws Exception {
    Path text = Files.writeString(tmp.resolve("x.tif"), "not an image");
    Path out = tmp.resolve("out");
    CliRun notTiff = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", text.toString(), "--out", out.toString());
    assertThat(notTiff.exitCode()).isEqualTo(2);
    assertThat(notTiff.err().strip()).isEqualTo("pcam: " + text + ": not a TIFF file (no TIFF header); pcam reads pyramidal TIFF slides");

    Path noRes = SlideFixtures.write(tmp.resolve("nores.tif"), 768, 512, 2, 256, "JPEG", null);
    CliRun missing = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", noRes.toString(), "--out", out.toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no resolution tags").contains("--slide-mpp");
    assertThat(missing.err().strip().lines()).hasSize(1);
    CliRun given = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", noRes.toString(), "--out", out.toString(),
        "--slide-mpp", "0.972");
    assertThat(given.exitCode()).as(given.err()).isZero();

    Path flat = SlideFixtures.write(tmp.resolve("flat.tif"), 768, 512, 1, 256, "JPEG", 0.5);
    CliRun noPyramid = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", flat.toString(), "--out", tmp.resolve("o2").toString());
    assertThat(noPyramid.exitCode()).isEqualTo(2);
    assertThat(noPyramid.err()).contains("without a pyramid");
    assertThat(tmp.resolve("o2")).doesNotExist();

    CliRun badTissue = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", flat.toString(), "--out", out.toString(),
        "--min-tissue", "1.5");
    assertThat(badTissue.exitCode()).isEqualTo(2);
    assertThat(badTissue.err()).contains("--min-tissue 1.5");
    CliRun intoModel = CliRun.run("slide", "score", "--model", mean.toString(), "--slide", noRes.toString(),
        "--out", mean.resolve("x").toString(), "--slide-mpp", "1");
    assertThat(intoModel.exitCode()).isEqualTo(2);
    assertThat(intoModel.err()).contains("is inside the input --model");
  }

  private static float[] toArray(List<Float> list) {
    float[] a = new float[list.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = list.get(i);
    }
    return a;
  }
}
