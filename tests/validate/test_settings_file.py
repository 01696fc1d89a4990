from __future__ import annotations

from pathlib import Path

import pytest

from trusthub.config.settings import default_settings
from trusthub.config.settings_file import load_settings, read_settings_file
from trusthub.errors import ConfigError, Location

FULL = """\
apiVersion: trusthub/v1
kind: Workspace
name: acme-prod
profiles: customers/profiles
state: postgresql://trusthub@db.example.com/trusthub
target: twilio
parallelism: 4
sandbox:
  database: sandbox/sim.db
  review_delay: 2
  callbacks: all
  latency: 0.25
safety:
  max_update_percent: 10
  max_delete_percent: 5
  min_profiles: 3
"""


def test_every_key_is_mapped_onto_settings(tmp_path: Path) -> None:
    (tmp_path / "trusthub.yaml").write_text(FULL, encoding="utf-8")
    root = tmp_path.resolve()
    settings = read_settings_file(root / "trusthub.yaml", default_settings(root))
    assert settings.name == "acme-prod"
    assert settings.profiles_dir == root / "customers" / "profiles"
    assert settings.state == "postgresql://trusthub@db.example.com/trusthub"
    assert (settings.target, settings.parallelism) == ("twilio", 4)
    assert settings.sandbox.database == root / "sandbox" / "sim.db"
    assert (
        settings.sandbox.review_delay,
        settings.sandbox.callbacks,
        settings.sandbox.latency,
    ) == (2.0, "all", 0.25)
    assert (settings.safety.max_update_percent, settings.safety.max_delete_percent) == (10.0, 5.0)
    assert settings.safety.min_profiles == 3
    assert settings.settings_file == root / "trusthub.yaml"


def test_a_relative_state_path_is_resolved_against_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "trusthub.yaml").write_text("state: ../shared/state.db\n", encoding="utf-8")
    settings = load_settings(tmp_path, environ={})
    assert settings.state == str(tmp_path.resolve().parent / "shared" / "state.db")


def test_an_empty_settings_file_means_defaults(tmp_path: Path) -> None:
    (tmp_path / "trusthub.yaml").write_text("# all defaults\n", encoding="utf-8")
    settings = load_settings(tmp_path, environ={})
    assert settings.profiles_dir == tmp_path.resolve() / "profiles"
    assert settings.settings_file == tmp_path.resolve() / "trusthub.yaml"


@pytest.mark.parametrize(
    ("text", "message", "where", "hint"),
    [
        (
            "profile: x\n",
            "unknown key 'profile'; did you mean 'profiles'? ($.profile)",
            (1, 1),
            "run `trusthub validate` to list every problem",
        ),
        (
            "target: sandbox\ntarget: twilio\nparallelism: 0\n",
            "duplicate key 'target' (first defined at line 1); keep only one",
            (2, 1),
            "run `trusthub validate` to list every problem",
        ),
        (
            "parallelism: 0\ntarget: aws\n",
            "must be at least 1, found 0 ($.parallelism)",
            (1, 14),
            "1 more problem in trusthub.yaml; run `trusthub validate` to list every problem",
        ),
        (
            "state: postgresql://u:secret@db/x\n",
            (
                "the state URL contains a password; remove it and put the password in PGPASSWORD "
                "or ~/.pgpass (trusthub.yaml is committed to git) ($.state)"
            ),
            (1, 8),
            "run `trusthub validate` to list every problem",
        ),
    ],
)
def test_a_broken_settings_file_stops_with_a_located_config_error(
    tmp_path: Path, text: str, message: str, where: tuple[int, int], hint: str
) -> None:
    (tmp_path / "trusthub.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path, environ={})
    assert caught.value.message == message
    assert caught.value.location == Location("trusthub.yaml", *where)
    assert caught.value.hint == hint


def test_environment_state_wins_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "trusthub.yaml").write_text("state: local.db\n", encoding="utf-8")
    settings = load_settings(tmp_path, environ={"TRUSTHUB_STATE": "postgresql://ci@db/x"})
    assert settings.state == "postgresql://ci@db/x"
