package pcam.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

class TensorBoardWriterTest {
  @Test
  void eventFileRoundTrips(@TempDir Path tmp) throws Exception {
    Path file;
    try (TensorBoardWriter tb = TensorBoardWriter.create(tmp.resolve("tb"))) {
      tb.scalar("train/loss", 1, 0.69);
      tb.scalar("val/auc", 1, 0.8125);
      tb.scalar("train/loss", 2, 0.5);
      file = tb.file();
    }
    assertThat(file.getParent()).isEqualTo(tmp.resolve("tb"));
    assertThat(file.getFileName().toString()).matches("events\\.out\\.tfevents\\.\\d{10}\\..+");

    List<Event> events = readRecords(Files.readAllBytes(file));
    assertThat(events).hasSize(4);
    assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
    assertThat(events.subList(1, 4)).extracting(e -> e.getSummary().getValue(0).getTag())
        .containsExactly("train/loss", "val/auc", "train/loss");
    assertThat(events.subList(1, 4)).extracting(Event::getStep).containsExactly(1L, 1L, 2L);
    assertThat(events.subList(1, 4)).extracting(e -> e.getSummary().getValue(0).getSimpleValue())
        .containsExactly(0.69f, 0.8125f, 0.5f);
    assertThat(events.get(1).getWallTime()).isGreaterThan(1.6e9);
  }

  @Test
  void maskedCrcMatchesTheTfRecordReferenceValue() {
    // crc32c("123456789") = 0xE3069283 (RFC 3720); masked = rotr15 + 0xa282ead8.
    byte[] check = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int crc = 0xE3069283;
    int expected = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    assertThat(TensorBoardWriter.maskedCrc32c(check, 0, check.length)).isEqualTo(expected);
  }

  /** An independent TFRecord reader: checks both CRCs of every record. */
  private static List<Event> readRecords(byte[] bytes) throws Exception {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (in.hasRemaining()) {
      int start = in.position();
      long length = in.getLong();
      assertThat(in.getInt()).as("length crc").isEqualTo(TensorBoardWriter.maskedCrc32c(bytes, start, 8));
      byte[] data = new byte[(int) length];
      in.get(data);
      assertThat(in.getInt()).as("data crc").isEqualTo(TensorBoardWriter.maskedCrc32c(data, 0, data.length));
      events.add(Event.parseFrom(data));
    }
    return events;
  }
}
