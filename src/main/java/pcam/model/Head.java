package pcam.model;

/**
 * How the last conv block's feature map reaches the 256-unit dense layer. The study's networks
 * flatten it, so at crop 96 cnn3's dense layer holds 3.28M of its 3.37M weights. Global average
 * pooling takes each channel's mean instead (Lin et al. 2014, "Network in Network"): the dense
 * layer then sees 128 numbers whatever the crop, and the network has a fortieth of cnn3's weights.
 */
public enum Head {
  /** The study's: flatten [h, w, c] into h*w*c inputs of the dense layer. */
  FLATTEN,
  /** Global average pooling: the mean of each channel over the map, c inputs of the dense layer. */
  GAP
}
