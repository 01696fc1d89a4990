"""`trusthub validate --format github`: one workflow command per problem, at the right file
and line, escaped as the Actions toolkit escapes (`%`, CR and LF in the message; also `:`
and `,` in properties such as the file name)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.example import copy_example
from tests.workflow.helpers import REPO, run
from trusthub.errors import Location, Problem
from trusthub.report.problems import render

_COMMAND = re.compile(r"^::(?P<severity>error|warning) (?P<props>[^:]*)::(?P<message>.*)$")

# Three files, one problem each; the line of each problem is marked with its number.
ODD_NAME = "profiles/acme,100%.yaml"


def write_workspace(root: Path) -> dict[str, int]:
    profiles = root / "profiles"
    profiles.mkdir(parents=True)
    source = (REPO / "profiles" / "jordan-rivera.yaml").read_text(encoding="utf-8")

    # 1. An unknown key with `%` and `,` in it, in a file whose name has both.
    odd = source.replace("name: jordan-rivera\n", 'name: jordan-rivera\n"100%, sure": yes\n')
    (root / ODD_NAME).write_text(odd, encoding="utf-8")
    # 2. An enum value (its message lists the allowed values, with commas).
    acme = (REPO / "profiles" / "acme-isv.yaml").read_text(encoding="utf-8")
    (profiles / "acme-isv.yaml").write_text(
        acme.replace("identity: ISV Reseller or Partner", "identity: Reseller"), encoding="utf-8"
    )
    # 3. A business rule: terms not accepted by a profile that is to be submitted.
    other = (
        source.replace("jordan-rivera", "sam-rivera")
        .replace("terms_of_service_accepted: true", "terms_of_service_accepted: false")
        .replace('"+12065550101"', '"+12065550102"')
    )
    (profiles / "sam-rivera.yaml").write_text(other, encoding="utf-8")

    def line_of(path: str, text: str) -> int:
        lines = (root / path).read_text(encoding="utf-8").splitlines()
        return next(n for n, line in enumerate(lines, start=1) if line.startswith(text))

    return {
        ODD_NAME: line_of(ODD_NAME, '"100%, sure"'),
        "profiles/acme-isv.yaml": line_of("profiles/acme-isv.yaml", "  identity:"),
        "profiles/sam-rivera.yaml": line_of("profiles/sam-rivera.yaml", "terms_of_service"),
    }


def parse(output: str) -> list[dict[str, str]]:
    commands = []
    for line in output.splitlines():
        m = _COMMAND.match(line)
        if m:
            props = dict(p.split("=", 1) for p in m["props"].split(","))
            commands.append({**props, "severity": m["severity"], "message": m["message"]})
    return commands


def unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def test_three_problems_three_annotations(tmp_path: Path) -> None:
    lines = write_workspace(tmp_path)
    result = run(tmp_path, "validate", "--format", "github")
    assert result.exit_code == 1
    commands = parse(result.stdout)
    assert len(commands) == 3, result.stdout
    assert result.stdout.splitlines()[-1] == "3 profiles checked, 3 errors, 0 warnings in 3 files"
    located = {unescape(c["file"]): int(c["line"]) for c in commands}
    assert located == lines
    odd, acme, sam = sorted(commands, key=lambda c: unescape(c["file"]))
    assert odd["file"] == "profiles/acme%2C100%25.yaml"
    assert "'100%25, sure'" in odd["message"]  # `%` escaped in the message, `,` need not be
    assert "Reseller" in acme["message"]
    assert '"Direct Customer", "ISV Reseller or Partner"' in acme["message"]
    assert sam["title"] == "trusthub [terms-accepted]"
    for c in commands:
        assert c["severity"] == "error"
        assert "col" in c
        assert not re.search(r"%(?![0-9A-F]{2})", c["message"] + c["file"])  # no bare `%`


def test_github_format_is_the_default_in_actions(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    result = run(tmp_path, "validate", env={"GITHUB_ACTIONS": "true"})
    assert len(parse(result.stdout)) == 3


def test_messages_with_newlines_stay_one_command() -> None:
    # The CLI's messages never hold a raw newline today; the format must cope if one does.
    problem = Problem(Location("profiles/a:b,c.yaml", 3, 5), "demo", "50% done,\r\nnext: line")
    output = render("github", [problem], profiles_checked=1, files_checked=1)
    first = output.splitlines()[0]
    assert first == (
        "::error file=profiles/a%3Ab%2Cc.yaml,line=3,col=5,title=trusthub [demo]"
        "::50%25 done,%0D%0Anext: line"
    )
    assert unescape(parse(output)[0]["message"]) == "50% done,\r\nnext: line"


def test_annotations_point_at_the_repository_file(tmp_path: Path) -> None:
    # With the workspace at the repository root (as `trusthub init` sets it up), the paths
    # in annotations are the repository paths GitHub matches against the diff.
    copy_example(tmp_path)
    (tmp_path / "profiles" / "maple-leaf-freight.yaml").write_text("name: [", encoding="utf-8")
    commands = parse(run(tmp_path, "validate", "--format", "github").stdout)
    assert [c["file"] for c in commands] == ["profiles/maple-leaf-freight.yaml"]
