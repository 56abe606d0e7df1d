"""Exports the model to ONNX and writes the reference profile drift is measured against.

The profile holds, per feature, the training distribution (histogram bin edges
and counts) and summary statistics, in the registry's reference-profile format.
"""
import argparse
import json
from pathlib import Path

import joblib
import numpy as np
from skl2onnx import to_onnx

from model.data import load

BINS = 10


def reference_profile(features, x: np.ndarray) -> dict:
    profile = []
    for i, name in enumerate(features):
        column = x[:, i]
        counts, edges = np.histogram(column, bins=BINS)
        profile.append({
            "feature": name,
            "histogram": {"binEdges": edges.tolist(), "counts": counts.tolist()},
            "stats": {
                "count": int(column.size),
                "mean": float(column.mean()),
                "std": float(column.std()),
                "min": float(column.min()),
                "max": float(column.max()),
                "missing": int(np.isnan(column).sum()),
            },
        })
    return {"features": profile}


def export(model_path: Path, out: Path, profile_path: Path) -> None:
    split = load()
    model = joblib.load(model_path)
    onnx_model = to_onnx(model, split.x_train[:1].astype(np.float32))
    out.write_bytes(onnx_model.SerializeToString())
    profile_path.write_text(json.dumps(reference_profile(split.features, split.x_train)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--profile", type=Path, required=True)
    args = parser.parse_args()
    export(args.model, args.out, args.profile)
    print(f"wrote {args.out} and {args.profile}")
