"""The A2P example workspace (examples/a2p: the ISV, a sole proprietor, a low-volume
standard brand and a public company with its brand contact) validates clean."""

from __future__ import annotations

from pathlib import Path

from tests.validate.conftest import copy_tree, run_cli

REPO = Path(__file__).resolve().parents[2]


def test_the_a2p_example_workspace_validates_clean(tmp_path: Path) -> None:
    copy_tree(REPO / "examples" / "a2p" / "profiles", tmp_path / "profiles")
    # its trusthub.yaml declares the subaccount a client lives in
    (tmp_path / "trusthub.yaml").write_bytes(
        (REPO / "examples" / "a2p" / "trusthub.yaml").read_bytes()
    )
    result = run_cli(tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "4 profiles checked, no problems\n",
        "",
    )
