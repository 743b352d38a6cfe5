package pcam.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Scalar summaries in TensorBoard's event-file format, without running any graph: a TFRecord file
 * ({@code uint64 length, uint32 masked crc32c(length), data, uint32 masked crc32c(data)}, little
 * endian) of {@code Event} protos, the first one announcing {@code brain.Event:2}. Each scalar is
 * flushed at once so TensorBoard shows a run while it trains.
 */
public final class TensorBoardWriter implements AutoCloseable {
  public static final String FILE_VERSION = "brain.Event:2";
  private static final int MASK_DELTA = 0xa282ead8;

  private final Path file;
  private final OutputStream out;

  private TensorBoardWriter(Path file) throws IOException {
    this.file = file;
    this.out = Files.newOutputStream(file);
    write(Event.newBuilder().setWallTime(now()).setFileVersion(FILE_VERSION).build());
  }

  /** A new {@code events.out.tfevents.<seconds>.<host>} file in {@code logDir} (created if needed). */
  public static TensorBoardWriter create(Path logDir) {
    try {
      Files.createDirectories(logDir);
      String name = "events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + host();
      return new TensorBoardWriter(logDir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create TensorBoard event file in " + logDir, e);
    }
  }

  public Path file() {
    return file;
  }

  /** One point of the curve {@code tag} (e.g. "val/auc") at {@code step} (e.g. the epoch). */
  public synchronized void scalar(String tag, long step, double value) {
    Summary summary = Summary.newBuilder()
        .addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value))
        .build();
    write(Event.newBuilder().setWallTime(now()).setStep(step).setSummary(summary).build());
  }

  private void write(Event event) {
    byte[] data = event.toByteArray();
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(data.length);
    header.putInt(maskedCrc32c(header.array(), 0, 8));
    ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    footer.putInt(maskedCrc32c(data, 0, data.length));
    try {
      out.write(header.array());
      out.write(data);
      out.write(footer.array());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** TFRecord's CRC: crc32c rotated right by 15 bits plus a constant, so CRCs of CRCs stay strong. */
  public static int maskedCrc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
