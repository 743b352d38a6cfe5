package pcam.interop.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import pcam.interop.keras.KerasFixture.Layer;
import pcam.interop.keras.KerasFixture.Model;
import pcam.interop.keras.KerasFixture.Tensor;

/**
 * The fixture models' forward pass with plain loops over float arrays (NHWC, one image), written
 * from Keras's layer definitions, independent of TensorFlow and of pcam's graph builder. Layers
 * without weights yet get random ones on first use (that is how the fixtures are initialised).
 */
final class ReferenceForward {
  /** One image's activation: h x w x c, or a vector (flat) of c. */
  record T(int h, int w, int c, float[] v, boolean flat) {
    float at(int y, int x, int ch) {
      return v[(y * w + x) * c + ch];
    }
  }

  private final Random random;

  ReferenceForward(long seed) {
    this.random = new Random(seed);
  }

  T run(Model m, T input) {
    Map<String, T> values = new HashMap<>();
    values.put(m.input, input);
    T last = input;
    for (Layer l : m.layers) {
      List<T> in = l.inputs().stream().map(values::get).toList();
      if (m.kind.equals("Sequential")) {
        in = List.of(last);
      }
      last = l.nested() != null ? run(l.nested(), in.get(0)) : layer(l, in);
      values.put(l.name(), last);
    }
    return values.get(m.output);
  }

  private Tensor weight(Layer l, String name, long... shape) {
    return l.weights().computeIfAbsent(name, k -> {
      Tensor t = KerasFixture.random(random, name.equals("bias") || name.equals("beta") || name.equals("moving_mean") ? 0.2f : 0.4f, shape);
      if (name.equals("gamma")) {
        for (int i = 0; i < t.values().length; i++) {
          t.values()[i] += 1f;
        }
      }
      if (name.equals("moving_variance")) {
        for (int i = 0; i < t.values().length; i++) {
          t.values()[i] = Math.abs(t.values()[i]) + 0.5f;
        }
      }
      return t;
    });
  }

  private T layer(Layer l, List<T> in) {
    JsonNode c = l.config();
    T x = in.get(0);
    switch (l.cls()) {
      case "Conv2D" -> {
        int kh = c.path("kernel_size").get(0).asInt();
        int kw = c.path("kernel_size").get(1).asInt();
        int s = c.path("strides").get(0).asInt(1);
        int d = c.has("dilation_rate") ? c.path("dilation_rate").get(0).asInt() : 1;
        int f = c.path("filters").asInt();
        float[] k = weight(l, "kernel", kh, kw, x.c(), f).values();
        // Keras registers the weights in this order: kernel, then bias.
        float[] b = weight(l, "bias", f).values();
        boolean same = c.path("padding").asText().equals("same");
        int ekh = (kh - 1) * d + 1;
        int ekw = (kw - 1) * d + 1;
        int oh = same ? (x.h() + s - 1) / s : (x.h() - ekh) / s + 1;
        int ow = same ? (x.w() + s - 1) / s : (x.w() - ekw) / s + 1;
        int padTop = same ? Math.max((oh - 1) * s + ekh - x.h(), 0) / 2 : 0;
        int padLeft = same ? Math.max((ow - 1) * s + ekw - x.w(), 0) / 2 : 0;
        float[] out = new float[oh * ow * f];
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            for (int o = 0; o < f; o++) {
              double sum = b[o];
              for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                  int y = oy * s + i * d - padTop;
                  int xx = ox * s + j * d - padLeft;
                  if (y < 0 || y >= x.h() || xx < 0 || xx >= x.w()) {
                    continue;
                  }
                  for (int ch = 0; ch < x.c(); ch++) {
                    sum += x.at(y, xx, ch) * k[((i * kw + j) * x.c() + ch) * f + o];
                  }
                }
              }
              out[(oy * ow + ox) * f + o] = (float) sum;
            }
          }
        }
        return activation(c.path("activation").asText("linear"), new T(oh, ow, f, out, false));
      }
      case "Dense" -> {
        int u = c.path("units").asInt();
        float[] k = weight(l, "kernel", x.v().length, u).values();
        float[] b = weight(l, "bias", u).values();
        float[] out = new float[u];
        for (int o = 0; o < u; o++) {
          double sum = b[o];
          for (int i = 0; i < x.v().length; i++) {
            sum += x.v()[i] * k[i * u + o];
          }
          out[o] = (float) sum;
        }
        return activation(c.path("activation").asText("linear"), new T(1, 1, u, out, true));
      }
      case "BatchNormalization" -> {
        float[] g = weight(l, "gamma", x.c()).values();
        float[] be = weight(l, "beta", x.c()).values();
        float[] mean = weight(l, "moving_mean", x.c()).values();
        float[] var = weight(l, "moving_variance", x.c()).values();
        double eps = c.path("epsilon").asDouble(1e-3);
        float[] out = new float[x.v().length];
        for (int i = 0; i < out.length; i++) {
          int ch = i % x.c();
          out[i] = (float) ((x.v()[i] - mean[ch]) / Math.sqrt(var[ch] + eps) * g[ch] + be[ch]);
        }
        return new T(x.h(), x.w(), x.c(), out, x.flat());
      }
      case "MaxPooling2D", "AveragePooling2D" -> {
        int p = c.path("pool_size").get(0).asInt();
        int s = c.path("strides").isArray() ? c.path("strides").get(0).asInt() : p;
        int oh = (x.h() - p) / s + 1;
        int ow = (x.w() - p) / s + 1;
        float[] out = new float[oh * ow * x.c()];
        boolean max = l.cls().startsWith("Max");
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            for (int ch = 0; ch < x.c(); ch++) {
              double acc = max ? Double.NEGATIVE_INFINITY : 0;
              for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                  float v = x.at(oy * s + i, ox * s + j, ch);
                  acc = max ? Math.max(acc, v) : acc + v;
                }
              }
              out[(oy * ow + ox) * x.c() + ch] = (float) (max ? acc : acc / (p * p));
            }
          }
        }
        return new T(oh, ow, x.c(), out, false);
      }
      case "GlobalAveragePooling2D", "GlobalMaxPooling2D" -> {
        boolean max = l.cls().contains("Max");
        float[] out = new float[x.c()];
        for (int ch = 0; ch < x.c(); ch++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          for (int i = 0; i < x.h() * x.w(); i++) {
            float v = x.v()[i * x.c() + ch];
            acc = max ? Math.max(acc, v) : acc + v;
          }
          out[ch] = (float) (max ? acc : acc / (x.h() * x.w()));
        }
        return new T(1, 1, x.c(), out, true);
      }
      case "ZeroPadding2D" -> {
        int p = c.path("padding").get(0).get(0).asInt();
        int q = c.path("padding").get(1).get(0).asInt();
        int oh = x.h() + 2 * p;
        int ow = x.w() + 2 * q;
        float[] out = new float[oh * ow * x.c()];
        for (int y = 0; y < x.h(); y++) {
          for (int xx = 0; xx < x.w(); xx++) {
            for (int ch = 0; ch < x.c(); ch++) {
              out[((y + p) * ow + xx + q) * x.c() + ch] = x.at(y, xx, ch);
            }
          }
        }
        return new T(oh, ow, x.c(), out, false);
      }
      case "Flatten" -> {
        return new T(1, 1, x.v().length, x.v().clone(), true); // NHWC row-major = H, W, C order
      }
      case "Dropout", "SpatialDropout2D" -> {
        return x;
      }
      case "Rescaling" -> {
        float[] out = x.v().clone();
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) (out[i] * c.path("scale").asDouble() + c.path("offset").asDouble(0));
        }
        return new T(x.h(), x.w(), x.c(), out, x.flat());
      }
      case "Activation" -> {
        return activation(c.path("activation").asText(), x);
      }
      case "ReLU" -> {
        return activation("relu", x);
      }
      case "LeakyReLU" -> {
        float a = (float) (c.has("negative_slope") ? c.path("negative_slope").asDouble() : c.path("alpha").asDouble(0.3));
        float[] out = x.v().clone();
        for (int i = 0; i < out.length; i++) {
          out[i] = out[i] >= 0 ? out[i] : a * out[i];
        }
        return new T(x.h(), x.w(), x.c(), out, x.flat());
      }
      case "ELU" -> {
        return activation("elu", x);
      }
      case "Add", "Multiply" -> {
        float[] out = x.v().clone();
        for (T other : in.subList(1, in.size())) {
          for (int i = 0; i < out.length; i++) {
            out[i] = l.cls().equals("Add") ? out[i] + other.v()[i] : out[i] * other.v()[i];
          }
        }
        return new T(x.h(), x.w(), x.c(), out, x.flat());
      }
      case "Concatenate" -> {
        int total = in.stream().mapToInt(T::c).sum();
        int positions = x.h() * x.w();
        float[] out = new float[positions * total];
        int offset = 0;
        for (T t : in) {
          for (int p = 0; p < positions; p++) {
            System.arraycopy(t.v(), p * t.c(), out, p * total + offset, t.c());
          }
          offset += t.c();
        }
        return new T(x.h(), x.w(), total, out, x.flat());
      }
      default -> throw new IllegalArgumentException("reference has no " + l.cls());
    }
  }

  static T activation(String name, T x) {
    float[] v = x.v().clone();
    switch (name) {
      case "linear" -> {}
      case "relu" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.max(0, v[i]);
        }
      }
      case "sigmoid" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (1 / (1 + Math.exp(-v[i])));
        }
      }
      case "tanh" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) Math.tanh(v[i]);
        }
      }
      case "elu" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = v[i] > 0 ? v[i] : (float) (Math.exp(v[i]) - 1);
        }
      }
      case "swish" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (v[i] / (1 + Math.exp(-v[i])));
        }
      }
      case "softmax" -> {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : v) {
          max = Math.max(max, f);
        }
        double sum = 0;
        for (float f : v) {
          sum += Math.exp(f - max);
        }
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (Math.exp(v[i] - max) / sum);
        }
      }
      default -> throw new IllegalArgumentException("reference has no activation " + name);
    }
    return new T(x.h(), x.w(), x.c(), v, x.flat());
  }
}
