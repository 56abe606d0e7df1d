"""Evaluates the trained model on the held-out split; writes the metrics as JSON."""
import argparse
import json
from pathlib import Path

import joblib
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from model.data import load


def evaluate(model_path: Path) -> dict:
    split = load()
    model = joblib.load(model_path)
    predicted = model.predict(split.x_test)
    scores = model.predict_proba(split.x_test)[:, 1]
    return {
        "accuracy": float(accuracy_score(split.y_test, predicted)),
        "f1": float(f1_score(split.y_test, predicted)),
        "auc": float(roc_auc_score(split.y_test, scores)),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    metrics = evaluate(args.model)
    args.out.write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics))
