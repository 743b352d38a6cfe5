package pcam.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pcam.util.InputException;

/**
 * The grid of a sweep: {@code --set key=v1,v2,...} per knob, in the order given; the cells are the
 * cartesian product, the first key varying slowest. Keys are train options without the dashes.
 */
public record SweepGrid(LinkedHashMap<String, List<String>> values) {

  /** One run of the grid: a value per key, in key order. */
  public record Cell(LinkedHashMap<String, String> params) {
    /** File-safe folder name, e.g. {@code optimizer=adam_lr=0.001}. */
    public String name() {
      StringBuilder name = new StringBuilder();
      params.forEach((k, v) -> {
        if (name.length() > 0) {
          name.append('_');
        }
        name.append(k).append('=').append(v.replaceAll("[^A-Za-z0-9.+-]", "-"));
      });
      return name.toString();
    }

    public String get(String key) {
      return params.get(key);
    }

    /** "optimizer=adam, lr=0.001" for the keys other than {@code except}; "all runs" when none. */
    public String describeExcept(List<String> except) {
      List<String> parts = new ArrayList<>();
      params.forEach((k, v) -> {
        if (!except.contains(k)) {
          parts.add(k + "=" + v);
        }
      });
      return parts.isEmpty() ? "all runs" : String.join(", ", parts);
    }
  }

  public static SweepGrid parse(List<String> sets) {
    if (sets == null || sets.isEmpty()) {
      throw new InputException("give at least one --set key=v1,v2,...");
    }
    LinkedHashMap<String, List<String>> values = new LinkedHashMap<>();
    for (String set : sets) {
      int eq = set.indexOf('=');
      String key = eq < 0 ? "" : set.substring(0, eq).trim().replaceFirst("^--", "");
      if (key.isEmpty() || !key.matches("[a-z][a-z0-9-]*")) {
        throw new InputException("--set " + set + ": expected key=v1,v2,... with key a train option name, e.g. lr=0.01,0.001");
      }
      List<String> list = new ArrayList<>();
      for (String v : set.substring(eq + 1).split(",", -1)) {
        String value = v.trim();
        if (value.isEmpty()) {
          throw new InputException("--set " + set + ": empty value");
        }
        if (list.contains(value)) {
          throw new InputException("--set " + set + ": value " + value + " given twice");
        }
        list.add(value);
      }
      if (values.put(key, List.copyOf(list)) != null) {
        throw new InputException("--set " + key + " given twice; list all its values in one --set");
      }
    }
    return new SweepGrid(values);
  }

  public List<String> keys() {
    return List.copyOf(values.keySet());
  }

  public List<Cell> cells() {
    List<Cell> cells = new ArrayList<>();
    cells.add(new Cell(new LinkedHashMap<>()));
    for (Map.Entry<String, List<String>> e : values.entrySet()) {
      List<Cell> next = new ArrayList<>();
      for (Cell c : cells) {
        for (String v : e.getValue()) {
          LinkedHashMap<String, String> params = new LinkedHashMap<>(c.params());
          params.put(e.getKey(), v);
          next.add(new Cell(params));
        }
      }
      cells = next;
    }
    return cells;
  }
}
