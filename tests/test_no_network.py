"""Nothing leaves the machine at run time: with every socket to a non-loopback address refused (and
name lookups of other hosts too), ingest, ask and lookup still work end to end."""
from __future__ import annotations

import ipaddress
import socket

import pytest


def _is_loopback(host) -> bool:
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def offline(monkeypatch):
    """Refuses, and records, every attempt to reach another host."""
    attempts = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo, real_create = socket.getaddrinfo, socket.create_connection

    def guard(host):
        if not _is_loopback(host):
            attempts.append(host)
            raise OSError(f"test blocks outbound network: {host}")

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            guard(address[0])
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            guard(address[0])
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        guard(host.decode() if isinstance(host, bytes) else host)
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        guard(address[0])
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts


def test_the_guard_really_blocks(offline):
    with pytest.raises(OSError, match="blocks outbound"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with socket.socket() as sock, pytest.raises(OSError, match="blocks outbound"):
        sock.connect(("1.1.1.1", 443))
    assert offline == ["93.184.216.34", "1.1.1.1"]
    offline.clear()


def test_ingest_ask_and_lookup_work_offline(offline, tmp_path, corpus_dir):
    from assistant import Assistant

    assistant = Assistant(store=tmp_path / "store", backend="extractive")
    assert assistant.ingest([corpus_dir]).ok
    answer = assistant.ask("Which Uzbek president did Blinken meet?")
    assert not answer.abstained and answer.citations
    quote = answer.citations[0].text[:120]
    assert assistant.lookup(quote).verdict == "quoted"
    assert offline == [], f"tried to reach {offline}"
