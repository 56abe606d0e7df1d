from model.evaluate import evaluate
from model.export import reference_profile
from model.train import train
from model.data import load


def test_trains_a_useful_model(tmp_path):
    metrics = evaluate(train(tmp_path))
    assert metrics["auc"] > 0.9


def test_reference_profile_covers_every_feature():
    split = load()
    profile = reference_profile(split.features, split.x_train)
    assert len(profile["features"]) == len(split.features)
    first = profile["features"][0]
    assert sum(first["histogram"]["counts"]) == first["stats"]["count"]
    assert len(first["histogram"]["binEdges"]) == len(first["histogram"]["counts"]) + 1
