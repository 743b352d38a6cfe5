package pcam.slide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The TIFF fields of one image, from an ImageIO reader's native metadata tree
 * ({@code TIFFIFD/TIFFField number=N/TIFF*s/TIFF* value=V}), as the JDK and TwelveMonkeys both write it.
 */
final class TiffTags {
  private final Map<Integer, List<String>> values;

  private TiffTags(Map<Integer, List<String>> values) {
    this.values = values;
  }

  static TiffTags of(IIOMetadata metadata) {
    Node root = metadata.getAsTree(metadata.getNativeMetadataFormatName());
    Map<Integer, List<String>> values = new HashMap<>();
    NodeList fields = ((Element) root).getElementsByTagName("TIFFField");
    for (int i = 0; i < fields.getLength(); i++) {
      Element field = (Element) fields.item(i);
      List<String> list = new ArrayList<>();
      collect(field, list);
      values.put(Integer.parseInt(field.getAttribute("number")), list);
    }
    return new TiffTags(values);
  }

  private static void collect(Node node, List<String> out) {
    for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e) {
        if (e.hasAttribute("value")) {
          out.add(e.getAttribute("value"));
        }
        collect(e, out);
      }
    }
  }

  boolean has(int tag) {
    return values.containsKey(tag);
  }

  int first(int tag, int fallback) {
    List<String> v = values.get(tag);
    return v == null || v.isEmpty() ? fallback : (int) Long.parseLong(v.get(0).trim());
  }

  /** A RATIONAL "n/d" (or a plain number) as a double; NaN when absent or malformed. */
  double rational(int tag) {
    List<String> v = values.get(tag);
    if (v == null || v.isEmpty()) {
      return Double.NaN;
    }
    String s = v.get(0).trim();
    try {
      int slash = s.indexOf('/');
      return slash < 0 ? Double.parseDouble(s) : Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  long[] longs(int tag) {
    List<String> v = values.getOrDefault(tag, List.of());
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Long.parseLong(v.get(i).trim());
    }
    return out;
  }

  /** An ASCII field, or null. */
  String string(int tag) {
    List<String> v = values.get(tag);
    return v == null || v.isEmpty() ? null : String.join("", v);
  }
}
