"""The data set: scikit-learn's bundled breast cancer data (no download).

Replace `load()` with your own data loading; keep its return shape.
"""
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

SEED = 42


@dataclass
class Split:
    features: list
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def load(test_size: float = 0.25) -> Split:
    data = load_breast_cancer()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=test_size, random_state=SEED, stratify=data.target
    )
    return Split(list(data.feature_names), x_train, x_test, y_train, y_test)
