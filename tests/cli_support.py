"""Running `python -m bot …` as a real process, the way an operator does."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import PROJECT_ROOT


def run_cli(
    args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The command's exit status and output; `env` is added to the current environment."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        timeout=timeout,
        check=False,
    )
