package pcam.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "pcam " + (version == null ? "(development build)" : version),
      "TensorFlow Java 1.1.0 (TensorFlow 2.18 runtime)",
      "Java ${java.version} (${java.vendor})"
    };
  }
}
