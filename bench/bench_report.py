"""Size of `thb report` on the bundled samples and the time Chromium (headless, --dump-dom) takes to open it.

Run: PYTHONPATH=. python bench/bench_report.py   (prints figures; nothing is asserted)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.review.report import write_report
from pipeline.run import ingest
from pipeline.settings import SAMPLES_DIR, Settings

CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(out_dir=Path(tmp) / "extracted", raw_dir=Path(tmp) / "raw", workers=2, nlp=False)
        ingest([SAMPLES_DIR], settings)
        report = write_report(settings.out_dir)
        print(f"report size: {report.stat().st_size / 1024:.1f} KiB")
        for run in range(3):
            started = time.perf_counter()
            dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                  f"--user-data-dir={tmp}/profile", report.as_uri()],
                                 capture_output=True, text=True, timeout=60).stdout
            elapsed = time.perf_counter() - started
            print(f"chromium open #{run + 1}: {elapsed:.2f} s (start to DOM dumped, {dom.count('<svg')} SVGs)")


if __name__ == "__main__":
    sys.exit(main())
