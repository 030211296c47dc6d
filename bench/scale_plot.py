"""docs/scale.png: retrieval latency and memory against corpus size, from bench/out/scale.json rows."""
from __future__ import annotations

from pathlib import Path


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def series(key: str, real: bool = False) -> tuple[list[int], list[float]]:
        """Sizes that have this figure (rows of older runs may lack newer ones) and its values: the
        synthetic corpora, or (`real`) the real libraries, drawn as points of their own."""
        have = [r for r in rows if key in r and ("library" in r) == real]
        return [r["paragraphs"] for r in have], [r[key] for r in have]

    def draw(axes, key: str, label: str, style: str) -> None:
        line, = axes.plot(*series(key), style, label=label)
        xs, ys = series(key, real=True)
        if xs:
            axes.plot(xs, ys, "*", markersize=11, color=line.get_color(),
                      label=f"{label}, news-rtqa (real)" if key.startswith("hybrid") or key == "store_mb" else None)

    fig, (latency, memory) = plt.subplots(1, 2, figsize=(9, 3.4), dpi=80)
    for key, label, style in (("hybrid", "ours: hybrid (default)", "o-"), ("dense", "ours: dense", "s-"),
                              ("first_stage", "ours: first stage, no models", "d-"),
                              ("raw", "raw Chroma query", "^--")):
        draw(latency, f"{key}_p95_ms", f"{label} p95", style)
    latency.axhline(100, color="grey", linewidth=0.8, linestyle=":", label="target p95 100 ms")
    latency.set(xscale="log", yscale="log", xlabel="paragraphs", ylabel="ms", title="Retrieval latency (p95)")
    for key, label, style in (("startup_rss_mb", "start-up peak RSS", "o-"), ("store_mb", "store on disk", "s-"),
                              ("fts_mb", "lexical index (FTS5 + token counts)", "^--")):
        draw(memory, key, label, style)
    memory.set(xscale="log", yscale="log", xlabel="paragraphs", ylabel="MB", title="Memory and index size")
    for axes in (latency, memory):
        axes.grid(True, which="major", alpha=0.3)
        axes.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
