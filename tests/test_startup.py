"""What a one-question run loads: a cached knowledge base, and none of the libraries it does not use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.knowledge.yaml_lines import _parse

HEAVY = ("jinja2", "yaml", "discord", "rich", "prompt_toolkit", "spellchecker", "snowballstemmer", "numpy")


def test_a_cached_ask_imports_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("CODING_ADVISOR")}
    env["CODING_ADVISOR_STATE_DIR"] = str(tmp_path)
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "code = main(['ask', 'cpc or ccs?'])\n"
        f"print('loaded:', sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )

    def run() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", script]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)

    cold = run()
    assert cold.returncode == 0, cold.stderr
    assert "'yaml'" in cold.stderr  # it parsed the knowledge, the first time
    cached = run()
    assert cached.returncode == 0, cached.stderr
    assert cached.stderr.strip() == "loaded: []"
    assert cached.stdout == cold.stdout


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb:\n  - x\n  - {y: 2}\nc: |\n  block\n  text\nd: >\n  folded\n",
        "when: 2026-13-01\nsame: 1\nsame: 2\n",
        "base: &b {k: v}\nuse: *b\nquoted: 'it''s'\nempty:\n",
        "",
    ],
)
def test_libyaml_and_pyyaml_read_alike(text: str) -> None:
    fast, plain = _parse(text, fast=True), _parse(text, fast=False)
    assert (fast.data, fast.key_lines, fast.text_lines, fast.duplicates) == (
        plain.data,
        plain.key_lines,
        plain.text_lines,
        plain.duplicates,
    )


def test_every_shipped_yaml_file_reads_alike_with_libyaml() -> None:
    root = Path(__file__).parents[1]
    files = [*(root / "knowledge").rglob("*.yaml"), root / "config.example.yaml"]
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast, plain = _parse(text, fast=True), _parse(text, fast=False)
        assert (fast.data, fast.key_lines, fast.text_lines) == (
            plain.data,
            plain.key_lines,
            plain.text_lines,
        ), path
