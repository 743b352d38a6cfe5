package pcam.util;

import java.nio.file.Path;

/**
 * pcam's cache folder: system property {@code pcam.cache.dir}, else {@code $PCAM_CACHE_DIR}, else
 * {@code ~/.cache/pcam}. Holds decoded patches and the scoring choices of models whose own folder
 * is read-only.
 */
public final class CacheDir {
  private CacheDir() {}

  public static Path root() {
    String property = System.getProperty("pcam.cache.dir");
    String env = System.getenv("PCAM_CACHE_DIR");
    return property != null && !property.isBlank() ? Path.of(property)
        : env != null && !env.isBlank() ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "pcam");
  }
}
