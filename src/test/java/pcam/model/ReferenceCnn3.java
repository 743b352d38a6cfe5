package pcam.model;

/**
 * cnn3's scoring pass with plain loops over double arrays (NHWC, one image), independent of
 * TensorFlow and of {@link CnnGraph}; reads the weights from the model.
 */
final class ReferenceCnn3 {
  private ReferenceCnn3() {}

  /**
   * cnn3 with the GAP head on one 96x96 uint8 patch: centre crop, 1/255, no dropout, and when the
   * model has batch norm, each conv's output normalised with the moving statistics; double precision.
   */
  static double probability(CnnModel model, byte[] pixels, int crop) {
    int size = crop;
    int channels = 3;
    double[] x = input(pixels, crop);
    int[] filters = {32, 64, 128};
    for (int layer = 0; layer < 3; layer++) {
      int f = filters[layer];
      int out = size - 2;
      double[] conv = conv(model, layer, x, size, channels);
      if (model.spec().batchNorm()) {
        String bn = "batch_normalization" + (layer == 0 ? "" : "_" + layer);
        float[] gamma = model.variable(bn + "/gamma");
        float[] beta = model.variable(bn + "/beta");
        float[] mean = model.variable(bn + "/moving_mean");
        float[] variance = model.variable(bn + "/moving_variance");
        for (int p = 0; p < out * out; p++) {
          for (int o = 0; o < f; o++) {
            int at = p * f + o;
            conv[at] = (conv[at] - mean[o]) / Math.sqrt(variance[o] + 1e-3) * gamma[o] + beta[o];
          }
        }
      }
      for (int at = 0; at < conv.length; at++) {
        conv[at] = Math.max(0, conv[at]);
      }
      int pooled = out / 2;
      x = new double[pooled * pooled * f];
      for (int y = 0; y < pooled; y++) {
        for (int c = 0; c < pooled; c++) {
          for (int o = 0; o < f; o++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int dy = 0; dy < 2; dy++) {
              for (int dx = 0; dx < 2; dx++) {
                m = Math.max(m, conv[((2 * y + dy) * out + 2 * c + dx) * f + o]);
              }
            }
            x[(y * pooled + c) * f + o] = m;
          }
        }
      }
      size = pooled;
      channels = f;
    }
    double[] means = new double[channels];
    for (int p = 0; p < size * size; p++) {
      for (int o = 0; o < channels; o++) {
        means[o] += x[p * channels + o] / (size * size);
      }
    }
    double[] hidden = dense(model, "dense", means, 256, true);
    double logit = dense(model, "dense_1", hidden, 1, false)[0];
    return 1 / (1 + Math.exp(-logit));
  }

  /** Conv layer {@code layer} (0..2) of cnn3 on an h x h x channels map: 3x3 valid, plus bias, no ReLU. */
  static double[] conv(CnnModel model, int layer, double[] x, int size, int channels) {
    String name = layer == 0 ? "conv2d" : "conv2d_" + layer;
    float[] k = model.variable(name + "/kernel");
    float[] b = model.variable(name + "/bias");
    int f = b.length;
    int out = size - 2;
    double[] conv = new double[out * out * f];
    for (int y = 0; y < out; y++) {
      for (int c = 0; c < out; c++) {
        for (int o = 0; o < f; o++) {
          double sum = b[o];
          for (int dy = 0; dy < 3; dy++) {
            for (int dx = 0; dx < 3; dx++) {
              for (int i = 0; i < channels; i++) {
                sum += x[((y + dy) * size + c + dx) * channels + i] * k[((dy * 3 + dx) * channels + i) * f + o];
              }
            }
          }
          conv[(y * out + c) * f + o] = sum;
        }
      }
    }
    return conv;
  }

  /** The centre {@code crop} x {@code crop} of a 96x96 uint8 patch, scaled by 1/255. */
  static double[] input(byte[] pixels, int crop) {
    int offset = (96 - crop) / 2;
    double[] x = new double[crop * crop * 3];
    for (int y = 0; y < crop; y++) {
      for (int c = 0; c < crop; c++) {
        for (int ch = 0; ch < 3; ch++) {
          x[(y * crop + c) * 3 + ch] = (pixels[((y + offset) * 96 + c + offset) * 3 + ch] & 0xFF) / 255.0;
        }
      }
    }
    return x;
  }

  private static double[] dense(CnnModel model, String name, double[] in, int units, boolean relu) {
    float[] k = model.variable(name + "/kernel");
    float[] b = model.variable(name + "/bias");
    double[] out = new double[units];
    for (int u = 0; u < units; u++) {
      double sum = b[u];
      for (int i = 0; i < in.length; i++) {
        sum += in[i] * k[i * units + u];
      }
      out[u] = relu ? Math.max(0, sum) : sum;
    }
    return out;
  }
}
