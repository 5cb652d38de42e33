"""What every benchmark shares: a markdown table printed as it grows and written to build/bench/."""

import os

from rnncourse.course import release


class Table:
    """``Table(name, title, header)``; ``add(*cells)`` prints a row; ``save()`` writes build/bench/<name>.md."""

    def __init__(self, name, title, header):
        self.name = name
        self.lines = [f"{title} {os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f} at the start.", "",
                      "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        print("\n".join(self.lines), flush=True)

    def add(self, *cells):
        self.lines.append("| " + " | ".join(map(str, cells)) + " |")
        print(self.lines[-1], flush=True)

    def save(self):
        out = release.ROOT / "build" / "bench" / f"{self.name}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(self.lines) + "\n")
        print(f"written to {out}")
