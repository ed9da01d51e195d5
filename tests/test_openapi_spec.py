"""Discord's OpenAPI spec is looked for next to the project; CI fails without it, a desk warns."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord_server import FakeDiscord, openapi


@pytest.fixture
def no_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    missing = tmp_path / "shared" / "discord-openapi.json"
    monkeypatch.setattr(openapi, "CANDIDATES", (missing,))
    monkeypatch.delenv("DISCORD_OPENAPI_SPEC", raising=False)
    return missing


def test_the_spec_is_looked_for_next_to_the_project_only() -> None:
    next_to_the_project = openapi.REPO_ROOT.parent / "shared" / "discord-openapi.json"
    assert list(openapi.CANDIDATES) == [next_to_the_project]
    source = Path(openapi.__file__).read_text(encoding="utf-8")
    assert "/work" not in source  # no machine's own path


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_in_ci_a_missing_spec_fails_loudly(
    no_spec: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(openapi.SpecMissingError) as caught:
        openapi.load_spec()
    assert str(no_spec) in str(caught.value) and "DISCORD_OPENAPI_SPEC" in str(caught.value)
    with pytest.raises(openapi.SpecMissingError):
        FakeDiscord()


def test_outside_ci_a_missing_spec_warns_loudly(no_spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.warns(openapi.SpecMissingWarning, match="request bodies are NOT checked"):
        assert openapi.load_spec() is None
    with pytest.warns(openapi.SpecMissingWarning):
        assert FakeDiscord().spec is None


def test_the_environment_can_point_at_the_spec(
    no_spec: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CI", "true")
    spec = tmp_path / "elsewhere.json"
    spec.write_text('{"paths": {}, "components": {"schemas": {"SnowflakeType": {"type": "string"}}}}')
    monkeypatch.setenv("DISCORD_OPENAPI_SPEC", str(spec))
    assert openapi.find_spec() == spec
    assert openapi.load_spec() is not None
    monkeypatch.setenv("DISCORD_OPENAPI_SPEC", str(tmp_path / "typo.json"))
    with pytest.raises(openapi.SpecMissingError, match=r"typo\.json"):
        openapi.load_spec()
