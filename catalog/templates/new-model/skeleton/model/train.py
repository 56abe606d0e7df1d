"""Trains the model and writes build/model.joblib and build/params.json."""
import argparse
import json
from pathlib import Path

import joblib
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from model.data import SEED, load

PARAMS = {"n_estimators": 200, "max_depth": 8, "random_state": SEED}


def train(out: Path) -> Path:
    split = load()
    pipeline = make_pipeline(StandardScaler(), RandomForestClassifier(**PARAMS))
    pipeline.fit(split.x_train, split.y_train)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "model.joblib"
    joblib.dump(pipeline, path)
    (out / "params.json").write_text(json.dumps(PARAMS, indent=2))
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("build"))
    print(f"wrote {train(parser.parse_args().out)}")
