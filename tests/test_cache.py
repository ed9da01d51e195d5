"""The knowledge cache: read back while nothing changed, rebuilt when anything did, never trusted blindly."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import advisor as advisor_module
from bot.core import cache
from bot.core.advisor import Advisor
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.knowledge.templates import Place

QUESTIONS = [
    "cpc or ccs?",
    "how do i remove the a",
    "externshp",
    "best pizza",
    "hi",
    "40 charts an hour at 75c",
]


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    return target


def _loads_counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time the knowledge is parsed and checked from its files."""
    loaded: list[Path] = []

    def counting(directory: Path) -> object:
        loaded.append(directory)
        return load_knowledge(directory)

    monkeypatch.setattr(advisor_module, "load_knowledge", counting)
    return loaded


def _answers(advisor: Advisor) -> list[tuple[object, ...]]:
    found = []
    for question in QUESTIONS:
        answer = advisor.ask(question)
        found.append((answer.result, answer.reply))
    return found


def test_unchanged_knowledge_is_read_back_and_answers_alike(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = _loads_counted(monkeypatch)
    first = Advisor.from_directory(knowledge, cache_dir=tmp_path / "state")
    second = Advisor.from_directory(knowledge, cache_dir=tmp_path / "state")
    assert len(loaded) == 1  # the second came from the cache
    assert second.kb.version == first.kb.version
    assert _answers(second) == _answers(first)
    assert second.suggest("remvoing the a")[0].id == first.suggest("remvoing the a")[0].id
    cached = cache.cache_file(tmp_path / "state", knowledge)
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no temporary file left


def test_a_cached_knowledge_base_renders_every_answer_as_a_fresh_one(knowledge: Path, tmp_path: Path) -> None:
    fresh = load_knowledge(knowledge)
    Advisor.from_directory(knowledge, cache_dir=tmp_path)
    kb = Advisor.from_directory(knowledge, cache_dir=tmp_path).kb
    assert kb._templates == {}  # nothing compiled yet: answers without a place are kept rendered
    elsewhere = Place(server_name="Coders of Ohio")
    for topic_id in fresh.topics:
        assert kb.render_answer(topic_id) == fresh.render_answer(topic_id)
        assert kb.render_answer(topic_id, elsewhere) == fresh.render_answer(topic_id, elsewhere)


def test_an_edit_or_new_code_builds_again(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = _loads_counted(monkeypatch)
    Advisor.from_directory(knowledge, cache_dir=tmp_path)
    categories = knowledge / "categories.yaml"
    categories.write_text(categories.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    edited = Advisor.from_directory(knowledge, cache_dir=tmp_path)
    assert len(loaded) == 2 and edited.kb.version == load_knowledge(knowledge).version
    Advisor.from_directory(knowledge, cache_dir=tmp_path)
    assert len(loaded) == 2
    cache.code_version.cache_clear()
    monkeypatch.setattr(cache, "CACHE_FORMAT", cache.CACHE_FORMAT + 1)
    try:
        Advisor.from_directory(knowledge, cache_dir=tmp_path)
    finally:
        cache.code_version.cache_clear()
    assert len(loaded) == 3


def test_a_broken_cache_is_one_log_line_and_rebuilt(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    Advisor.from_directory(knowledge, cache_dir=tmp_path)
    path = cache.cache_file(tmp_path, knowledge)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # torn
    loaded = _loads_counted(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="bot.core.cache"):
        rebuilt = Advisor.from_directory(knowledge, cache_dir=tmp_path)
    assert len(loaded) == 1 and rebuilt.ask("cpc or ccs?").answered
    assert len(caplog.records) == 1 and "unreadable" in caplog.records[0].getMessage()
    assert str(path) in caplog.records[0].getMessage()
    assert path.read_bytes() != data[: len(data) // 2]  # replaced by a good one
    caplog.clear()
    Advisor.from_directory(knowledge, cache_dir=tmp_path)
    assert len(loaded) == 1 and not caplog.records


def test_a_cache_others_could_have_written_is_not_unpickled(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    Advisor.from_directory(knowledge, cache_dir=tmp_path)
    path = cache.cache_file(tmp_path, knowledge)
    path.chmod(0o666)
    loaded = _loads_counted(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="bot.core.cache"):
        Advisor.from_directory(knowledge, cache_dir=tmp_path)
    assert len(loaded) == 1
    assert ["writable by you only" in r.getMessage() for r in caplog.records] == [True]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # rewritten, private


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_state_directory_costs_time_only(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    with caplog.at_level(logging.WARNING, logger="bot.core.cache"):
        advisor = Advisor.from_directory(knowledge, cache_dir=locked)
    assert advisor.ask("cpc or ccs?").answered
    assert len(caplog.records) == 1 and "not written" in caplog.records[0].getMessage()


def test_a_state_directory_that_is_a_file_costs_time_only(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.core.cache"):
        advisor = Advisor.from_directory(knowledge, cache_dir=blocker / "state")
    assert advisor.ask("cpc or ccs?").answered
    assert len(caplog.records) == 1 and "not written" in caplog.records[0].getMessage()


def test_ask_in_a_fresh_process_reads_the_cache_and_says_the_same(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("CODING_ADVISOR")}
    env["CODING_ADVISOR_STATE_DIR"] = str(tmp_path)

    def ask() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot", "ask", "cpc or ccs?", "--no-log"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)

    first, second = ask(), ask()
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert second.stdout == first.stdout and "CPC" in first.stdout
    assert second.stderr == ""
    assert cache.cache_file(tmp_path, default_knowledge_dir()).is_file()


def test_an_answer_is_rendered_once_per_place(knowledge: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.core.knowledge import sandbox

    kb = load_knowledge(knowledge)
    rendered: list[str] = []
    real = sandbox.render_answer

    def counting(template: object, context: dict[str, object]) -> str:
        rendered.append(str(context["server_name"]))
        return real(template, context)  # type: ignore[arg-type]

    monkeypatch.setattr(sandbox, "render_answer", counting)
    topic = next(iter(kb.topics))
    ohio, texas = Place(server_name="Coders of Ohio"), Place(server_name="Coders of Texas")
    texts = [kb.render_answer(topic, place) for place in (None, ohio, ohio, texas, ohio, Place())]
    assert rendered == ["Coders of Ohio", "Coders of Texas"]  # offline: rendered while loading
    assert texts[1] == texts[2] == texts[4] and texts[0] == texts[5]
