package pcam.model;

import pcam.PrivateCacheDir;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pcam.model.ModelMetadata.OutputKind;
import pcam.util.Json;

class ModelMetadataTest {
  @TempDir Path tmp;
  private PrivateCacheDir cacheDir;

  @BeforeEach
  void privateCache() {
    cacheDir = new PrivateCacheDir(tmp.resolve("cache"));
  }

  @AfterEach
  void restoreCache() {
    cacheDir.close();
  }

  @Test
  void jsonKeysAreTheDocumentedSnakeCaseOnesAndAbsentKeysAreLeftOut() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("model"));
    Path file = ModelMetadata.pcamCnn().store(model);

    assertThat(file).isEqualTo(model.resolve("pcam-model.json"));
    JsonNode json = Json.MAPPER.readTree(file.toFile());
    assertThat(json.get("input_scale").asText()).isEqualTo("raw");
    assertThat(json.get("output_kind").asText()).isEqualTo("probability");
    assertThat(json.get("mpp").asDouble()).isEqualTo(0.972);
    assertThat(json.has("positive_class")).isFalse();
    assertThat(ModelMetadata.find(model).orElseThrow().metadata()).isEqualTo(ModelMetadata.pcamCnn());
  }

  @Test
  void unknownKeysFromNewerWritersAreIgnored() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(model.resolve("pcam-model.json"), "{\"input_scale\":\"caffe\",\"positive_class\":3,\"something_new\":[1,2]}");

    ModelMetadata read = ModelMetadata.find(model).orElseThrow().metadata();

    assertThat(read).isEqualTo(new ModelMetadata(InputScale.CAFFE, 3, null, null));
  }

  @Test
  void aReadOnlyModelFolderIsLeftUntouchedAndTheRecordGoesToTheCacheKeyedByItsRealPath() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("shared/model"));
    Files.writeString(model.resolve("saved_model.pb"), "x");
    new ModelMetadata(null, null, null, 0.5).writeInto(model); // e.g. written by its exporter
    Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Path link = Files.createSymbolicLink(tmp.resolve("link"), model);
      Path written = new ModelMetadata(InputScale.UNIT, 2, OutputKind.LOGIT, null).store(link);

      assertThat(written).startsWith(tmp.resolve("cache/models")).hasFileName(written.getFileName().toString());
      assertThat(written.getFileName().toString()).startsWith("model-").endsWith(".json");
      try (Stream<Path> files = Files.list(model)) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(List.of("pcam-model.json", "saved_model.pb"));
      }
      // Through the real path or the link: the same entry; the folder's own keys are kept underneath.
      assertThat(ModelMetadata.cacheEntry(model)).isEqualTo(ModelMetadata.cacheEntry(link));
      assertThat(ModelMetadata.find(model).orElseThrow().metadata()).isEqualTo(new ModelMetadata(InputScale.UNIT, 2, OutputKind.LOGIT, 0.5));
    } finally {
      Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
