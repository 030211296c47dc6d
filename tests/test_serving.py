"""`assistant serve` refusing what it cannot do in one line: a busy port, malformed auth."""
from __future__ import annotations

import socket

from assistant.cli import main
from support import ROOT, free_port, running_app


def test_serve_on_a_busy_port_is_one_line_and_no_banner(seeded, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port), "--backend", "extractive", "--store", seeded.settings.store]) == 2
    out, err = capsys.readouterr()
    assert "web chat on" not in out
    assert err.startswith("error: cannot serve on 127.0.0.1:") and "--port" in err and err.count("\n") == 1, err


def test_malformed_auth_prints_no_login_banner(seeded, capsys):
    assert main(["serve", "--auth", "user:", "--port", str(free_port()), "--backend", "extractive",
                 "--store", seeded.settings.store]) == 2
    out, err = capsys.readouterr()
    assert "web chat on" not in out and "login required" not in out
    assert err == "error: --auth must be user:pass\n"
