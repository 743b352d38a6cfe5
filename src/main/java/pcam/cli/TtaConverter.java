package pcam.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import pcam.eval.Tta;

/** {@code --tta none|flip|d8}, lower case on the command line. */
final class TtaConverter implements ITypeConverter<Tta>, Iterable<String> {
  @Override
  public Tta convert(String value) {
    try {
      return Tta.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not one of none, flip, d8");
    }
  }

  @Override
  public Iterator<String> iterator() {
    return Arrays.stream(Tta.values()).map(Tta::label).iterator();
  }
}
