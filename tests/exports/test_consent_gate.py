"""No export path can skip the consent decision.

Behaviour: every registered exporter, through the one pipeline and through the CLI, refuses (exit 1, nothing written)
when consent is refused; an exporter handed anything but a Release made by consent.decide refuses. Structure: the
source is scanned so that only consent.py makes Releases and redacted mentions, only pipeline.py asks for the decision
and writes files, exporters read no vault and check the release first.
"""

from __future__ import annotations

import ast
import dataclasses
import types
from pathlib import Path

import pytest

from intake_app.exports import consent, pipeline
from intake_app.exports.base import ExportRequest
from intake_app.exports.consent import ConsentRefused, Release
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, TID_A, Hq, make_testimony

REPO = Path(__file__).resolve().parents[2]
EXPORTS = REPO / "intake_app" / "exports"
CLI_COMMANDS = {"wgeid": ["wgeid", f"{TID_A}/v1"], "uwazi": ["uwazi", "--purpose", "publication"],
                "dossier": ["dossier", "온성군 보위부", "--purpose", "government_partners"]}


def _sources() -> dict[Path, ast.Module]:
    files = [*EXPORTS.glob("*.py"), REPO / "intake_app" / "cli" / "export_cmds.py",
             *(REPO / "ui" / "hq").glob("export_*.py")]
    return {f: ast.parse(f.read_text(encoding="utf-8")) for f in files}


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            called = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            if called == name:
                out.append(node)
    return out


def _names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


@pytest.mark.parametrize("fmt", sorted(pipeline.EXPORTERS))
def test_every_exporter_refuses_refused_consent(hq: Hq, tmp_path: Path, fmt: str) -> None:
    hq.add(make_testimony(TID_A, {p: "refused" for p in consent.EXPORT_PURPOSES}))
    exporter = pipeline.EXPORTERS[fmt]
    out = tmp_path / "out"
    with Vault.open(hq.path, PASSPHRASE) as vault:
        request = ExportRequest(format=fmt, purpose=exporter.purposes[0], mentions=(f"{TID_A}/v1",), out_dir=out,
                                subject=f"{TID_A}/v1")
        with pytest.raises(ConsentRefused):
            pipeline.run_export(vault, request)
    assert not out.exists()


def test_every_cli_export_command_refuses_refused_consent(hq: Hq, tmp_path: Path) -> None:
    assert set(CLI_COMMANDS) | {"stats"} == set(pipeline.EXPORTERS)
    hq.add(make_testimony(TID_A, {p: "refused" for p in consent.EXPORT_PURPOSES}))
    for fmt, args in CLI_COMMANDS.items():
        out = tmp_path / fmt
        result = hq.run("export", *args, "--out", str(out))
        assert result.returncode == 1, (fmt, str(result))
        assert not out.exists(), fmt
    (tmp_path / "stats").mkdir()  # the statistics CSV (issue 23): `intake stats --csv FILE --purpose P`
    result = hq.run("stats", "--csv", str(tmp_path / "stats" / "t.csv"), "--purpose", "publication")
    assert result.returncode == 1, str(result)
    assert list((tmp_path / "stats").iterdir()) == []
    assert hq.json("export", "log")["exports"] == []


@pytest.mark.parametrize("fmt", sorted(pipeline.EXPORTERS))
def test_exporters_refuse_anything_but_a_genuine_release(hq: Hq, tmp_path: Path, fmt: str) -> None:
    hq.add(make_testimony(TID_A, {p: {"value": "granted", "anonymity": "full_name"} for p in consent.EXPORT_PURPOSES}))
    exporter = pipeline.EXPORTERS[fmt]
    with Vault.open(hq.path, PASSPHRASE) as vault:
        real = consent.decide(vault, exporter.purposes[0], [f"{TID_A}/v1"], also_required=exporter.also_required)
    assert real.included
    request = ExportRequest(format=fmt, purpose=exporter.purposes[0], mentions=(), out_dir=tmp_path)
    fake = types.SimpleNamespace(**{f.name: getattr(real, f.name) for f in dataclasses.fields(real)})
    with pytest.raises(TypeError):
        exporter.render(fake, request)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Release(object(), *[getattr(real, f.name) for f in dataclasses.fields(real)][1:])
    other = "reports" if fmt != "uwazi" else "wgeid"
    with Vault.open(hq.path, PASSPHRASE) as vault:
        wrong = consent.decide(vault, other, [f"{TID_A}/v1"])
    with pytest.raises(ConsentRefused):
        exporter.render(wrong, request)


def test_structure_only_consent_makes_releases_and_only_the_pipeline_writes() -> None:
    sources = _sources()
    for path, tree in sources.items():
        name = path.name
        if name != "consent.py":
            assert not _calls(tree, "Release"), f"{name} builds a Release"
            assert "_GATE" not in _names(tree), f"{name} touches the gate token"
            assert not _calls(tree, "release_mention"), f"{name} makes released mentions"
        if name != "pipeline.py":
            assert not _calls(tree, "decide"), f"{name} asks for a consent decision outside the pipeline"
            assert not _calls(tree, "write_files"), f"{name} writes export files outside the pipeline"
        if name not in ("output.py", "settings.py", "stream_files.py"):
            for call in ("write_atomic", "write_bytes", "write_text", "encrypt_bytes"):
                assert not _calls(tree, call), f"{name} writes a file itself ({call})"


def test_structure_exporters_read_no_vault_and_check_the_release_first() -> None:
    forbidden = {"intake_app.records.store", "intake_app.records.revisions", "intake_app.vault.vault",
                 "intake_app.vault.database", "intake_app.records.interchange", "sqlite3", "sqlcipher3"}
    for exporter in pipeline.EXPORTERS.values():
        module = type(exporter).__module__
        path = REPO / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not imported & forbidden, (module, imported & forbidden)
        cls = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == type(exporter).__name__)
        render = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "render")
        first = render.body[0]
        assert isinstance(first, ast.Expr) and _calls(first, "require"), f"{module}.render must call consent.require first"
    for stream in pipeline.STREAMED.values():  # the streamed exporters read no vault either (only Releases)
        tree = ast.parse((REPO / (stream.__module__.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not imported & forbidden, (stream.__module__, imported & forbidden)
        assert _calls(tree, "require"), f"{stream.__module__} must check each Release with consent.require"
