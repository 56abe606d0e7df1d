"""Talks to the Model Registry's REST API from CI (standard library only).

Environment: MLREG_URL (the registry API, e.g. https://portal/api/model-registry),
MLREG_TOKEN (a Backstage token allowed to register versions), MODEL_NAME.

  register        registers a version from build/ (metrics, parameters, commit),
                  uploads its artifact, prints <output-name>=<version>; the
                  --idempotency-key makes a re-run return the same version
  upload-profile  uploads the reference profile of a version
  promote         points an alias (staging, production) at a version; the
                  registry deploys the alias's environment
"""
import argparse
import hashlib
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


def call(method, path, body=None, data=None, headers=None):
    url = os.environ["MLREG_URL"].rstrip("/") + path
    request = urllib.request.Request(url, method=method, data=data)
    request.add_header("Authorization", "Bearer " + os.environ["MLREG_TOKEN"])
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read().decode()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {path} failed with {error.code}: {error.read().decode()[:2000]}")


def model_path():
    return "/models/" + urllib.parse.quote(os.environ["MODEL_NAME"], safe="")


def register(args):
    build = Path(args.build)
    metrics = json.loads((build / "metrics.json").read_text())
    params = json.loads((build / "params.json").read_text())
    source = {"runId": args.idempotency_key}
    commit = os.environ.get("GITHUB_SHA") or os.environ.get("CI_COMMIT_SHA") or os.environ.get("GIT_COMMIT")
    if commit:
        source["commit"] = commit
    version = call(
        "POST",
        model_path() + "/versions",
        body={
            "description": "Trained by CI",
            "source": source,
            "artifactFormat": "onnx",
            "parameters": params,
            "metrics": [{"key": k, "value": v, "dataset": "test"} for k, v in metrics.items()],
        },
        headers={"Idempotency-Key": args.idempotency_key},
    )
    number = version["version"]
    if version.get("status") == "PENDING":
        artifact = (build / "model.onnx").read_bytes()
        digest = hashlib.sha256(artifact).hexdigest()
        call(
            "PUT",
            f"{model_path()}/versions/{number}/artifact?sha256={digest}",
            data=artifact,
            headers={"Content-Type": "application/octet-stream"},
        )
    print(f"{args.output_name}={number}")


def upload_profile(args):
    profile = json.loads(Path(args.profile).read_text())
    call("PUT", f"{model_path()}/versions/{args.version}/reference-profile", body=profile)
    print(f"uploaded the reference profile of version {args.version}", file=sys.stderr)


def promote(args):
    call("PUT", f"{model_path()}/aliases/{args.alias}", body={"version": int(args.version)})
    print(f"{args.alias} now points at version {args.version}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("register")
    p.add_argument("--build", default="build")
    p.add_argument("--idempotency-key", required=True)
    p.add_argument("--output-name", default="version")
    p.set_defaults(run=register)
    p = commands.add_parser("upload-profile")
    p.add_argument("--version", required=True)
    p.add_argument("--profile", required=True)
    p.set_defaults(run=upload_profile)
    p = commands.add_parser("promote")
    p.add_argument("--version", required=True)
    p.add_argument("--alias", required=True)
    p.set_defaults(run=promote)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
