"""Look-ahead is a plan: ``render --plan`` and ``render --today`` for a day other than today
print what would be published and why and never touch the live site; dates are evaluated in
one documented time zone (``[tool.i18n] timezone``), which the manifest records with the date.
End to end through the CLI on a copy of the sample."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest
from conftest import Runner, snapshot

pytestmark = pytest.mark.slow

# CH's disclaimers expire on 2027-09-01: a release on 2027-10-01 withdraws the Swiss pages
LATER = "2027-10-01"


def rendered_for(site: Path) -> dict:
    return json.loads((site / "manifest.json").read_text(encoding="utf-8"))["rendered_for"]


def set_timezone(root: Path, zone: str) -> None:
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    assert "[tool.i18n]\n" in text
    path.write_text(text.replace("[tool.i18n]\n", f'[tool.i18n]\ntimezone = "{zone}"\n'), "utf-8")


def test_a_later_date_plans_and_leaves_the_live_site_alone(project: Path, run: Runner) -> None:
    assert run(project, "render").exit_code == 0
    live = project / "site"
    assert (live / "ch/de/index.html").is_file()
    before = snapshot(live)
    result = run(project, "render", "--today", LATER)
    assert result.exit_code == 0, result.output
    assert snapshot(live) == before  # not one byte of the live site changed
    out = " ".join(result.output.split())
    assert f"Plan as of {LATER} (UTC): nothing written" in out
    assert "disclaimer CH-2026-003 expired on 2027-09-01" in out
    # what the release would take down, named page by page
    removed = out.split("page(s) now in site/ would be removed: ", 1)[1]
    assert "ch/de/index.html," in removed and "us/en/" not in removed
    assert "add --out with a folder of its own" in out


def test_plan_writes_nothing(project: Path, run: Runner) -> None:
    before = snapshot(project)
    result = run(project, "render", "--plan", "--strict")
    assert result.exit_code == 1  # --strict: something is withheld
    assert "would be published" in result.output
    assert snapshot(project) == before
    assert not (project / "site").exists()


def test_a_past_date_never_republishes_the_live_site(project: Path, run: Runner) -> None:
    assert run(project, "render").exit_code == 0
    before = snapshot(project / "site")
    assert (
        run(project, "render", "--today", "2026-01-01", "--out", str(project / "site")).exit_code
        == 0
    )
    assert snapshot(project / "site") == before


def test_a_look_ahead_into_a_folder_of_its_own(project: Path, run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "release-2027-10"
    result = run(project, "render", "--today", LATER, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert rendered_for(out) == {"date": LATER, "timezone": "UTC"}
    assert not (out / "ch").exists() and (out / "us/en/index.html").is_file()
    assert not (project / "site").exists()


def test_a_publish_render_records_its_date_and_zone(project: Path, run: Runner) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: its date is tomorrow's in UTC for ten hours a day
    set_timezone(project, zone)
    days = {dt.datetime.now(zoneinfo.ZoneInfo(zone)).date().isoformat()}
    result = run(project, "render")
    days.add(dt.datetime.now(zoneinfo.ZoneInfo(zone)).date().isoformat())
    assert result.exit_code == 0, result.output
    recorded = rendered_for(project / "site")
    assert recorded["timezone"] == zone and recorded["date"] in days
    # today in the project's zone is today: it renders the live site, not a plan
    assert run(project, "render", "--today", recorded["date"]).exit_code == 0
    assert rendered_for(project / "site")["date"] == recorded["date"]


def test_an_unknown_time_zone_is_bad_input(project: Path, run: Runner) -> None:
    set_timezone(project, "Europe/Atlantis")
    result = run(project, "render")
    assert result.exit_code == 2
    assert "pyproject.toml:" in result.output
    assert "timezone must be an IANA time zone such as UTC or Europe/Zurich" in result.output
    assert not (project / "site").exists()


def test_a_preview_on_another_date_is_written(project: Path, run: Runner) -> None:
    result = run(project, "render", "--preview", "--today", LATER)
    assert result.exit_code == 0, result.output
    assert (project / "site-preview/manifest.json").is_file()
