package pcam.util;

/**
 * Bad input from the user: a flag value, a file, a CSV row, an image or a model. The message is
 * one line that names the offending file or value; the CLI prints it and exits with code 2.
 */
public class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
