"""Wrap any trained Keras model (.keras or .h5) into pcam's score-only SavedModel contract.

UNVERIFIED: written against the documented TensorFlow 2.18 / Keras 3 APIs, but never run on the
machines pcam is built on (no TensorFlow for Python there). Check with `pcam inspect OUT`
(verdict must be "scorable").

  serving_default(images float32 [N,H,W,3], 0..255 RGB) -> {"probability": float32 [N,1]}

The preprocessing the notebook applied outside the model (the study: ImageDataGenerator
rescale=1/255) must be baked in: --preprocess rescale (default), vgg16, resnet50 or none.
A two-unit softmax output (Keras class_mode="categorical") is reduced to the probability of class 1.

Example:
  python export_notebook_model.py --model cnn9.h5 --out ../savedmodels/cnn9
"""

import argparse

import tensorflow as tf
import keras

PREPROCESS = {
    "rescale": lambda images: images / 255.0,
    "vgg16": keras.applications.vgg16.preprocess_input,
    "resnet50": keras.applications.resnet50.preprocess_input,
    "none": lambda images: images,
}


class ScoringModule(tf.Module):
    def __init__(self, model, preprocess, size):
        super().__init__()
        self.model = model
        self.preprocess = preprocess
        self.serve = tf.function(
            self._serve, input_signature=[tf.TensorSpec([None, size, size, 3], tf.float32, name="images")]
        )

    def _serve(self, images):
        output = self.model(self.preprocess(images), training=False)
        if output.shape[-1] == 2:
            output = output[:, 1:2]
        return {"probability": tf.cast(output, tf.float32)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="trained Keras model file (.keras or .h5)")
    parser.add_argument("--input-size", type=int, help="H = W of the input; default: read from the model")
    parser.add_argument("--preprocess", choices=sorted(PREPROCESS), default="rescale")
    parser.add_argument("--out", required=True, help="SavedModel folder to write")
    args = parser.parse_args()

    model = keras.models.load_model(args.model, compile=False)
    size = args.input_size or model.input_shape[1]
    if size is None:
        raise SystemExit("the model's input size is not fixed; pass --input-size")
    if model.output_shape[-1] not in (1, 2):
        raise SystemExit(f"expected a sigmoid [N,1] or softmax [N,2] output, got {model.output_shape}")
    module = ScoringModule(model, PREPROCESS[args.preprocess], size)
    tf.saved_model.save(module, args.out, signatures={"serving_default": module.serve})
    print(f"wrote {args.out}: serving_default images [N,{size},{size},3] -> probability")
    print(f"check it with: pcam inspect {args.out}")


if __name__ == "__main__":
    main()
