package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import pcam.TestPatches;
import pcam.util.InputException;

/**
 * Whatever bytes a .tif file holds, {@link PatchReader#read} returns a 96x96 RGB patch or throws
 * the tool's own {@link InputException} (a {@link BadPatchException}) naming the file: never an
 * ImageIO exception, an array index error or an OutOfMemoryError from a forged header. Inputs:
 * random bytes, every truncation of valid TIFFs, and valid TIFFs with header/IFD bytes mutated.
 */
class PatchReaderPropertyTest {
  /** Valid TIFFs to truncate and mutate: RGB (as Kaggle's), grayscale, RGBA, and a real patch when present. */
  private static final List<byte[]> VALID = validTiffs();

  @Property(tries = 200)
  void randomBytes(@ForAll("noise") byte[] bytes) {
    assertReadsOrRejects(bytes);
  }

  @Property(tries = 200)
  void truncatedValidTiff(@ForAll("truncations") byte[] bytes) {
    assertReadsOrRejects(bytes);
  }

  @Property(tries = 400)
  void validTiffWithMutatedHeader(@ForAll("mutations") byte[] bytes) {
    assertReadsOrRejects(bytes);
  }

  /** Random mutations rarely forge this: a valid header claiming 20000x20000 (1.2 GB to decode). */
  @Example
  void forgedHugeDimensionsAreRejectedBeforeDecoding() {
    byte[] tiff = VALID.get(0).clone();
    ByteBuffer buf = ByteBuffer.wrap(tiff).order(tiff[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int ifd = buf.getInt(4);
    for (int k = 0; k < (buf.getShort(ifd) & 0xffff); k++) {
      int at = ifd + 2 + 12 * k;
      int tag = buf.getShort(at) & 0xffff;
      if (tag == 256 || tag == 257) { // ImageWidth, ImageLength
        if ((buf.getShort(at + 2) & 0xffff) == 3) {
          buf.putShort(at + 8, (short) 20000);
        } else {
          buf.putInt(at + 8, 20000);
        }
      }
    }
    Path file = writeTemp(tiff);
    try {
      assertThatThrownBy(() -> PatchReader.read(file))
          .isInstanceOf(BadPatchException.class)
          .hasMessage(file + ": image is 20000x20000, expected 96x96");
    } finally {
      file.toFile().delete();
    }
  }

  @Provide
  Arbitrary<byte[]> noise() {
    Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    // A TIFF signature in front gets the bytes past the header check, into the decoder.
    Arbitrary<byte[]> signed = any.map(b -> concat(new byte[] {'I', 'I', 42, 0}, b));
    Arbitrary<byte[]> bigEndian = any.map(b -> concat(new byte[] {'M', 'M', 0, 42}, b));
    return Arbitraries.oneOf(any, signed, bigEndian);
  }

  @Provide
  Arbitrary<byte[]> truncations() {
    return Arbitraries.of(VALID).flatMap(tiff -> Arbitraries.integers().between(0, tiff.length - 1).map(n -> Arrays.copyOf(tiff, n)));
  }

  /** 1 to 8 bytes overwritten, mostly in the first 512 (header, IFD entries, tag values). */
  @Provide
  Arbitrary<byte[]> mutations() {
    return Arbitraries.of(VALID).flatMap(tiff -> {
      Arbitrary<Integer> position = Arbitraries.oneOf(
          Arbitraries.integers().between(0, Math.min(511, tiff.length - 1)),
          Arbitraries.integers().between(0, tiff.length - 1));
      Arbitrary<Tuple.Tuple2<Integer, Byte>> edit = Combinators.combine(position, Arbitraries.bytes()).as(Tuple::of);
      return edit.list().ofMinSize(1).ofMaxSize(8).map(edits -> {
        byte[] mutated = tiff.clone();
        edits.forEach(e -> mutated[e.get1()] = e.get2());
        return mutated;
      });
    });
  }

  private static Path writeTemp(byte[] bytes) {
    try {
      return Files.write(Files.createTempFile("pcam-property-", ".tif"), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertReadsOrRejects(byte[] bytes) {
    Path file = writeTemp(bytes);
    try {
      byte[] pixels = PatchReader.read(file);
      assertThat(pixels).hasSize(PatchReader.BYTES);
    } catch (InputException e) {
      assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n");
    } finally {
      file.toFile().delete();
    }
  }

  private static List<byte[]> validTiffs() {
    List<byte[]> tiffs = new ArrayList<>();
    try {
      Path dir = Files.createTempDirectory("pcam-valid-tiffs-");
      TestPatches.writeTiff(dir.resolve("rgb.tif"), TestPatches.random(1), 96);
      TiffFixtures.writeTiff(dir.resolve("gray.tif"), 96, 96, BufferedImage.TYPE_BYTE_GRAY);
      TiffFixtures.writeTiff(dir.resolve("rgba.tif"), 96, 96, BufferedImage.TYPE_4BYTE_ABGR);
      for (String name : List.of("rgb.tif", "gray.tif", "rgba.tif")) {
        tiffs.add(Files.readAllBytes(dir.resolve(name)));
        Files.delete(dir.resolve(name));
      }
      Files.delete(dir);
      // A real Kaggle patch when the shared sample is there (not required: the synthetic RGB one has the same layout).
      Path real = Path.of("..", "shared", "data", "pcam-sample", "train", "00503166d433bc74d8346c07e3dd2abc202a0e89.tif");
      if (Files.isRegularFile(real)) {
        tiffs.add(Files.readAllBytes(real));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tiffs;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
