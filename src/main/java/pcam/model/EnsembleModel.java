package pcam.model;

import java.util.List;
import pcam.data.Batch;
import pcam.data.Resize;

/**
 * Several scoring models as one: each member scores the batch at its own input size (bilinear
 * resize from the patches' size, as for a single model) and the probabilities are averaged with
 * equal weights. Test-time augmentation wraps the ensemble like any model, so every member sees
 * every transform. Owns its members: closing it closes them.
 */
public final class EnsembleModel implements ScoringModel {
  private final List<ScoringModel> members;
  private final int height;
  private final int width;

  /**
   * @param members at least one model
   * @param height the size of the patches fed to the ensemble (96 for PCam); members resize from it
   */
  public EnsembleModel(List<? extends ScoringModel> members, int height, int width) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one model");
    }
    this.members = List.copyOf(members);
    this.height = height;
    this.width = width;
  }

  public int size() {
    return members.size();
  }

  @Override
  public int inputHeight() {
    return height;
  }

  @Override
  public int inputWidth() {
    return width;
  }

  @Override
  public float[] predict(Batch batch) {
    double[] sum = new double[batch.count()];
    for (ScoringModel member : members) {
      float[] p = member.predict(Resize.bilinear(batch, member.inputHeight(), member.inputWidth()));
      for (int i = 0; i < sum.length; i++) {
        sum[i] += p[i];
      }
    }
    float[] mean = new float[sum.length];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (float) (sum[i] / members.size());
    }
    return mean;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (ScoringModel member : members) {
      try {
        member.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
