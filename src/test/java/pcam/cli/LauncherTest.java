package pcam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/pcam, run for real against a stand-in checkout (an up-to-date jar, so no build) with a
 * stand-in {@code java} on the PATH that prints the command line it was given.
 */
class LauncherTest {
  @TempDir Path tmp;
  private Path checkout;
  private Path bin;

  @BeforeEach
  void standIns() throws IOException {
    checkout = tmp.resolve("checkout");
    Files.createDirectories(checkout.resolve("scripts"));
    Files.copy(Path.of("scripts", "pcam"), checkout.resolve("scripts").resolve("pcam"));
    Files.createDirectories(checkout.resolve("src").resolve("main"));
    Files.writeString(checkout.resolve("pom.xml"), "<project/>");
    Files.createDirectories(checkout.resolve("target"));
    Files.writeString(checkout.resolve("target").resolve("classpath.txt"), "/deps/tf.jar");
    Path jar = Files.writeString(checkout.resolve("target").resolve("pcam-0.1.0.jar"), "jar");
    Files.setLastModifiedTime(checkout.resolve("pom.xml"), FileTime.fromMillis(1_000_000));
    Files.setLastModifiedTime(checkout.resolve("src").resolve("main"), FileTime.fromMillis(1_000_000));
    Files.setLastModifiedTime(jar, FileTime.fromMillis(2_000_000));
    bin = Files.createDirectories(tmp.resolve("bin"));
    Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"java $*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private String launch(Path script, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(concat(script.toString(), args)).redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().remove("PCAM_JAVA_OPTS");
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.trim();
  }

  private static String[] concat(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  void throughASymlinkItFindsTheBuildBesideTheRealScript() throws Exception {
    Path links = Files.createDirectories(tmp.resolve("elsewhere"));
    Path relative = Files.createSymbolicLink(links.resolve("pcam-rel"), links.relativize(checkout.resolve("scripts").resolve("pcam")));
    Path chained = Files.createSymbolicLink(links.resolve("pcam"), relative.getFileName()); // a link to a link
    String line = launch(chained, Map.of(), "train", "--help");
    assertThat(line).isEqualTo("java -XX:MaxRAMPercentage=50 -cp " + checkout.toRealPath().resolve("target").resolve("pcam-0.1.0.jar")
        + ":/deps/tf.jar pcam.cli.Main train --help");
  }

  @Test
  void theDefaultHeapFollowsTheMachineUnlessPcamJavaOptsSetsOne() throws Exception {
    Path script = checkout.resolve("scripts").resolve("pcam");
    assertThat(launch(script, Map.of("PCAM_JAVA_OPTS", "-Xmx3g"))).startsWith("java -Xmx3g -cp ");
    assertThat(launch(script, Map.of("PCAM_JAVA_OPTS", "-XX:MaxRAMPercentage=80"))).startsWith("java -XX:MaxRAMPercentage=80 -cp ");
    // Other options keep the default heap.
    assertThat(launch(script, Map.of("PCAM_JAVA_OPTS", "-Dx=1"))).startsWith("java -XX:MaxRAMPercentage=50 -Dx=1 -cp ");
  }
}
