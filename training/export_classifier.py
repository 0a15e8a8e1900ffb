"""Re-exports a trained classifier (RUN_DIR/classifier.pt) to ONNX with the spatial output sFID needs, and rewrites its
reference statistics with the spatial statistics and the features precision/recall need (train_classifier.py).

    /usr/bin/python3 training/export_classifier.py RUN_DIR models/fmnist-classifier
"""
import os
import sys

import torch

import fmnist_data
from train_classifier import Classifier, export_onnx, write_reference_statistics


def main():
    run, out = sys.argv[1], sys.argv[2]
    torch.set_num_threads(2)
    model = Classifier()
    model.load_state_dict(torch.load(os.path.join(run, "classifier.pt")))
    model.eval()
    export_onnx(model, os.path.join(out, "fmnist-classifier.onnx"))
    test_x, _ = fmnist_data.load("t10k")
    write_reference_statistics(model, torch.from_numpy(fmnist_data.to_model_range(test_x)), os.path.join(out, "fmnist-test-stats.npz"))


if __name__ == "__main__":
    main()
