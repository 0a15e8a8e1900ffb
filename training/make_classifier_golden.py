"""Golden outputs of the bundled classifier for the .NET tests: 16 Fashion-MNIST test images (uint8) with the logits and
features PyTorch computes for them from the trained weights (classifier.pt beside the exported ONNX file).

    /usr/bin/python3 training/make_classifier_golden.py RUN_DIR tests/QRecipe.Evaluation.Tests/Data/classifier_golden.npz
"""
import os
import sys

import numpy as np
import torch

import fmnist_data
from train_classifier import Classifier


def main():
    run, out = sys.argv[1], sys.argv[2]
    model = Classifier()
    model.load_state_dict(torch.load(os.path.join(run, "classifier.pt")))
    model.eval()
    images, labels = fmnist_data.load("t10k")
    pick = np.arange(0, 10000, 625)[:16]
    with torch.no_grad():
        logits, features = model(torch.from_numpy(fmnist_data.to_model_range(images[pick])))
    np.savez(out, images=images[pick][..., None], labels=labels[pick], logits=logits.numpy(), features=features.numpy())
    print(f"wrote {out}: labels {labels[pick].tolist()}, predicted {logits.argmax(1).tolist()}")


if __name__ == "__main__":
    main()
