package pcam.train;

/** One row of history.csv: an epoch's training and validation numbers (epoch counts from 1). */
public record EpochRecord(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double valLoss,
    double valAccuracy,
    double valAuc,
    double lr,
    double imagesPerSecond) {}
