"""Export a Keras VGG16/ResNet50 with ImageNet weights to pcam's SavedModel signature contract.

UNVERIFIED: written against the documented TensorFlow 2.18 / Keras 3 APIs, but never run on the
machines pcam is built on (no TensorFlow for Python, no internet for the weights there). Check the
result with `pcam inspect OUT` (verdict must be "fine-tunable").

The contract (see README.md):
  serving_default(images float32 [N,H,W,3], 0..255 RGB) -> {"probability": float32 [N,1]}
  train_step(images, labels float32 [N,1], learning_rate float32 []) -> {"loss", "accuracy"}
  save(checkpoint_path string []) / restore(checkpoint_path string [])

Example:
  python export_keras.py --arch vgg16 --trainable-layers 4 --out ../savedmodels/vgg16-96
"""

import argparse

import tensorflow as tf
import keras

ARCHS = {
    "vgg16": (keras.applications.VGG16, keras.applications.vgg16.preprocess_input),
    "resnet50": (keras.applications.ResNet50, keras.applications.resnet50.preprocess_input),
}


def build_model(arch, size, pooling, dense_units, dropout, trainable_layers, trainable_from):
    """ImageNet base without its top, a new binary head, all base layers frozen except the chosen ones."""
    base_class, _ = ARCHS[arch]
    base = base_class(weights="imagenet", include_top=False, input_shape=(size, size, 3))
    base.trainable = True
    names = [layer.name for layer in base.layers]
    if trainable_from is not None:
        if trainable_from not in names:
            raise SystemExit(f"--trainable-from {trainable_from}: no such layer in {arch} (layers: {', '.join(names)})")
        first = names.index(trainable_from)
    else:
        first = len(base.layers) - trainable_layers
    for index, layer in enumerate(base.layers):
        # Keras's transfer-learning guide: BatchNormalization layers stay frozen when fine-tuning,
        # even inside the unfrozen range. A frozen BN layer runs in inference mode (moving mean and
        # variance), so batch-32 statistics never replace the ImageNet ones.
        layer.trainable = index >= first and not isinstance(layer, keras.layers.BatchNormalization)

    inputs = keras.Input(shape=(size, size, 3), name="images")
    # training=False keeps the base in inference mode inside train_step too (the guide's advice for
    # models with BatchNormalization); the new head's Dropout still trains.
    x = base(inputs, training=False)
    if pooling == "flatten":
        x = keras.layers.Flatten()(x)
    elif pooling == "max":
        x = keras.layers.GlobalMaxPooling2D()(x)
    else:
        x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(dense_units, activation="relu")(x)
    x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name=f"{arch}_pcam")


def make_optimizer(name):
    # The rate is a variable inside the optimizer; train_step assigns the fed learning_rate to it.
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=1e-3)
    return keras.optimizers.Adam(learning_rate=1e-3)


def variable_key(variable):
    # Keras 3 variables have a unique .path ("dense/kernel"); .name alone is not unique there.
    return getattr(variable, "path", variable.name)


class ContractModule(tf.Module):
    """The model, its preprocessing and its optimizer, with the contract's signatures."""

    def __init__(self, model, preprocess, optimizer, size):
        super().__init__()
        self.model = model
        self.preprocess = preprocess
        self.optimizer = optimizer
        self.loss_fn = keras.losses.BinaryCrossentropy()
        # Create the optimizer's slots now so that they are tracked, saved and restorable.
        self.optimizer.build(self.model.trainable_variables)
        image_spec = tf.TensorSpec([None, size, size, 3], tf.float32, name="images")
        string_spec = tf.TensorSpec([], tf.string, name="checkpoint_path")
        self.serve = tf.function(self._serve, input_signature=[image_spec])
        self.train_step = tf.function(
            self._train_step,
            input_signature=[
                image_spec,
                tf.TensorSpec([None, 1], tf.float32, name="labels"),
                tf.TensorSpec([], tf.float32, name="learning_rate"),
            ],
        )
        self.save = tf.function(self._save, input_signature=[string_spec])
        self.restore = tf.function(self._restore, input_signature=[string_spec])

    def _all_variables(self):
        return list(self.model.variables) + list(self.optimizer.variables)

    def _serve(self, images):
        probability = self.model(self.preprocess(images), training=False)
        return {"probability": probability}

    def _train_step(self, images, labels, learning_rate):
        self.optimizer.learning_rate.assign(learning_rate)
        with tf.GradientTape() as tape:
            probability = self.model(self.preprocess(images), training=True)
            loss = self.loss_fn(labels, probability)
        variables = self.model.trainable_variables
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(gradients, variables))
        predicted = tf.cast(probability >= 0.5, tf.float32)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, labels), tf.float32))
        return {"loss": loss, "accuracy": accuracy}

    # save/restore follow TensorFlow's on-device training guide (raw Save/Restore ops). pcam itself
    # checkpoints through the SavedModel's own saver; these are for other runtimes.
    def _save(self, checkpoint_path):
        variables = self._all_variables()
        tf.raw_ops.Save(
            filename=checkpoint_path,
            tensor_names=[variable_key(v) for v in variables],
            data=[tf.convert_to_tensor(v) for v in variables],
            name="save",
        )
        return {"checkpoint_path": checkpoint_path}

    def _restore(self, checkpoint_path):
        for v in self._all_variables():
            restored = tf.raw_ops.Restore(
                file_pattern=checkpoint_path, tensor_name=variable_key(v), dt=v.dtype, name="restore"
            )
            # Restore's output has unknown rank; Keras 3's Variable.assign checks shapes with len(),
            # which fails while tracing ("Cannot take the length of shape with unknown rank").
            v.assign(tf.ensure_shape(restored, v.shape))
        return {"checkpoint_path": checkpoint_path}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", required=True, choices=sorted(ARCHS))
    parser.add_argument("--input-size", type=int, default=96, help="H = W of the model input (>= 32); pcam resizes 96x96 patches to it")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--trainable-layers", type=int, default=4, help="train the last N layers of the base (0: head only)")
    group.add_argument("--trainable-from", help="train the base from this layer name on (e.g. block5_conv1, conv5_block1_1_conv)")
    parser.add_argument("--pooling", choices=["avg", "max", "flatten"], default="avg")
    parser.add_argument("--dense-units", type=int, default=256)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--optimizer", choices=["adam", "sgd", "rmsprop"], default="adam")
    parser.add_argument("--out", required=True, help="SavedModel folder to write, e.g. savedmodels/vgg16-96")
    args = parser.parse_args()

    model = build_model(
        args.arch, args.input_size, args.pooling, args.dense_units, args.dropout, args.trainable_layers, args.trainable_from
    )
    _, preprocess = ARCHS[args.arch]
    module = ContractModule(model, preprocess, make_optimizer(args.optimizer), args.input_size)
    tf.saved_model.save(
        module,
        args.out,
        signatures={
            "serving_default": module.serve,
            "train_step": module.train_step,
            "save": module.save,
            "restore": module.restore,
        },
    )
    trainable = sum(int(tf.size(v)) for v in model.trainable_variables)
    total = sum(int(tf.size(v)) for v in model.variables)
    print(f"wrote {args.out}: {args.arch} {args.input_size}x{args.input_size}, {trainable:,} of {total:,} parameters trainable")
    print(f"check it with: pcam inspect {args.out}")


if __name__ == "__main__":
    main()
