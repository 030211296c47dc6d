"""The command line's output: quiet into a closed pipe, the streamed draft kept apart from the
verified answer."""
from __future__ import annotations

import json
import subprocess
import sys

from assistant.cli import main
from assistant.commands import VERIFIED
from ingest.readers import read, read_html
from support import ROOT, free_port, running_app


QUESTION = "Which Uzbek president did Blinken meet?"


def test_list_json_into_a_closed_pipe_is_quiet(seeded):
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "list", "--json", "--store", seeded.settings.store],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` leaving before the listing is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_ask_stream_separates_the_draft_from_the_verified_answer(seeded, capsys):
    assert main(["ask", QUESTION, "--stream", "--backend", "extractive", "--store", seeded.settings.store]) == 0
    draft, verified = capsys.readouterr().out.split(f"\n\n{VERIFIED}\n")
    assert "Mirziyoyev" in draft and "Mirziyoyev" in verified and "Sources:" in verified
