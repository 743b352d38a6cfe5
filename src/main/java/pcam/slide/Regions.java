package pcam.slide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Outlines of the union of axis-aligned squares on a grid (the tumour windows), as polygons with
 * holes in level-0 pixel coordinates. Each square contributes its four edges, walked clockwise on
 * screen (y down); edges two squares share cancel; the rest are linked into closed rings. At a
 * vertex where two squares touch only at a corner, the walk turns right, so such squares become
 * separate polygons. Clockwise rings on screen are outer boundaries, counter-clockwise ones holes.
 */
public final class Regions {
  /** A polygon: its outer ring and its holes, each a closed list of [x, y] (first point repeated last). */
  public record Polygon(List<long[]> outer, List<List<long[]>> holes) {
    /** Area in level-0 pixels squared (outer minus holes). */
    public double area() {
      double a = Math.abs(signedArea(outer));
      for (List<long[]> h : holes) {
        a -= Math.abs(signedArea(h));
      }
      return a;
    }
  }

  private Regions() {}

  /** Squares with top-left corners ({@code xs[i]}, {@code ys[i]}) and side {@code side}. */
  public static List<Polygon> outline(long[] xs, long[] ys, long side) {
    Set<Edge> edges = new HashSet<>();
    for (int i = 0; i < xs.length; i++) {
      long x = xs[i];
      long y = ys[i];
      add(edges, x, y, x + side, y);
      add(edges, x + side, y, x + side, y + side);
      add(edges, x + side, y + side, x, y + side);
      add(edges, x, y + side, x, y);
    }
    Map<Point, List<Edge>> from = new HashMap<>();
    for (Edge e : edges) {
      from.computeIfAbsent(e.a(), k -> new ArrayList<>()).add(e);
    }
    List<List<long[]>> outers = new ArrayList<>();
    List<List<long[]>> holes = new ArrayList<>();
    Set<Edge> used = new HashSet<>();
    for (Edge start : edges) {
      if (used.contains(start)) {
        continue;
      }
      List<long[]> ring = new ArrayList<>();
      Edge e = start;
      while (true) {
        used.add(e);
        ring.add(new long[] {e.a().x(), e.a().y()});
        if (e.b().equals(start.a())) {
          break;
        }
        e = nextEdge(e, from.get(e.b()), used);
      }
      ring = simplify(ring);
      ring.add(ring.get(0));
      (signedArea(ring) > 0 ? outers : holes).add(ring);
    }
    List<Polygon> polygons = new ArrayList<>();
    List<List<List<long[]>>> holesOf = new ArrayList<>();
    for (List<long[]> o : outers) {
      holesOf.add(new ArrayList<>());
    }
    for (List<long[]> h : holes) {
      int best = -1;
      for (int i = 0; i < outers.size(); i++) {
        if (contains(outers.get(i), h.get(0), h.get(1))
            && (best < 0 || Math.abs(signedArea(outers.get(i))) < Math.abs(signedArea(outers.get(best))))) {
          best = i;
        }
      }
      if (best >= 0) {
        holesOf.get(best).add(h);
      }
    }
    for (int i = 0; i < outers.size(); i++) {
      polygons.add(new Polygon(outers.get(i), holesOf.get(i)));
    }
    return polygons;
  }

  private record Point(long x, long y) {}

  private record Edge(Point a, Point b) {}

  private static void add(Set<Edge> edges, long x0, long y0, long x1, long y1) {
    Edge reverse = new Edge(new Point(x1, y1), new Point(x0, y0));
    if (!edges.remove(reverse)) {
      edges.add(new Edge(new Point(x0, y0), new Point(x1, y1)));
    }
  }

  /** The unused edge leaving the end of {@code in}, preferring a right turn, then straight, then left. */
  private static Edge nextEdge(Edge in, List<Edge> candidates, Set<Edge> used) {
    long dx = Long.signum(in.b().x() - in.a().x());
    long dy = Long.signum(in.b().y() - in.a().y());
    // On screen (y down) a right turn of (dx, dy) is (-dy, dx).
    long[][] order = {{-dy, dx}, {dx, dy}, {dy, -dx}};
    for (long[] d : order) {
      for (Edge c : candidates) {
        if (!used.contains(c) && Long.signum(c.b().x() - c.a().x()) == d[0] && Long.signum(c.b().y() - c.a().y()) == d[1]) {
          return c;
        }
      }
    }
    throw new IllegalStateException("open outline at " + in.b());
  }

  /** Drops the points in the middle of straight runs. */
  private static List<long[]> simplify(List<long[]> ring) {
    List<long[]> out = new ArrayList<>();
    int n = ring.size();
    for (int i = 0; i < n; i++) {
      long[] prev = ring.get((i + n - 1) % n);
      long[] p = ring.get(i);
      long[] next = ring.get((i + 1) % n);
      boolean collinear = (p[0] - prev[0]) * (next[1] - p[1]) - (p[1] - prev[1]) * (next[0] - p[0]) == 0;
      if (!collinear) {
        out.add(p);
      }
    }
    return out;
  }

  /** Shoelace area; positive for rings clockwise on screen (y down). */
  static double signedArea(List<long[]> ring) {
    double a = 0;
    for (int i = 0; i + 1 < ring.size(); i++) {
      a += (double) ring.get(i)[0] * ring.get(i + 1)[1] - (double) ring.get(i + 1)[0] * ring.get(i)[1];
    }
    return a / 2;
  }

  /** Whether the midpoint of segment p-q lies inside {@code ring} (even-odd rule). */
  private static boolean contains(List<long[]> ring, long[] p, long[] q) {
    double x = (p[0] + q[0]) / 2.0 + 0.25;
    double y = (p[1] + q[1]) / 2.0 + 0.25;
    boolean inside = false;
    for (int i = 0, j = ring.size() - 2; i < ring.size() - 1; j = i++) {
      double xi = ring.get(i)[0];
      double yi = ring.get(i)[1];
      double xj = ring.get(j)[0];
      double yj = ring.get(j)[1];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }
}
