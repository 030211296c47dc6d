"""Which backends callers of this server may pick (`serve --backends a,b`, else every one) and what
"auto" means here (the server's own `--backend`, detected when that is "auto" too)."""
from __future__ import annotations

from dataclasses import dataclass

from assistant import AUTO, BACKENDS, InvalidRequest, resolve_name


@dataclass(frozen=True)
class BackendChoice:
    offered: list[str]
    default: str

    @classmethod
    def of(cls, settings) -> "BackendChoice":
        names = [n.strip() for n in (settings.backends or ",".join(BACKENDS)).split(",") if n.strip()]
        if not names or set(names) - set(BACKENDS):
            raise InvalidRequest(f"--backends {settings.backends!r}: give a comma-separated list of {', '.join(BACKENDS)}")
        default = resolve_name(settings.backend)
        if default not in names:
            raise InvalidRequest(f"the default backend {default} is not among --backends {','.join(names)}; "
                             "pass --backend with one of them")
        return cls(names, default)

    def pick(self, choice: str | None) -> str:
        """A caller's choice: "auto" (or none) is the server's default; anything else must be offered."""
        if choice in (None, "", AUTO):
            return self.default
        if choice not in self.offered:
            raise InvalidRequest(f"backend {choice!r} is not offered by this server; choose auto or one of: "
                             f"{', '.join(self.offered)}")
        return choice
