package pcam;

import java.nio.file.Path;

/**
 * Points pcam's cache ({@code pcam.cache.dir}) at a test's own folder; {@link #close} puts the
 * previous value back. Open it in {@code @BeforeEach}, close it in {@code @AfterEach}.
 */
public final class PrivateCacheDir implements AutoCloseable {
  private static final String KEY = "pcam.cache.dir";
  private final String previous;

  public PrivateCacheDir(Path dir) {
    previous = System.setProperty(KEY, dir.toString());
  }

  @Override
  public void close() {
    if (previous == null) {
      System.clearProperty(KEY);
    } else {
      System.setProperty(KEY, previous);
    }
  }
}
