"""The French and English catalogues are complete and compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "relais" / "locale"
# User-facing text lives in Python and templates; the widget's and console's
# scripts take their strings from the page, so there is no djangojs domain.
DOMAINS = ("django",)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_french_string_is_translated(domain):
    catalogue = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / f"{domain}.po"))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated French strings: {missing[:10]}"
    assert not fuzzy, f"fuzzy French strings (check and unflag): {fuzzy[:10]}"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("domain", DOMAINS)
def test_compiled_catalogue_matches_its_source(language, domain):
    folder = LOCALE / language / "LC_MESSAGES"
    source = {
        e.msgid: e.msgstr for e in polib.pofile(str(folder / f"{domain}.po")) if e.translated()
    }
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(folder / f"{domain}.mo")) if e.msgid}
    assert compiled == source, "run `make messages` to recompile the catalogues"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """Extract the strings afresh and check none is missing from the catalogue."""
    copy = tmp_path / "relais"
    shutil.copytree(LOCALE.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for domain in DOMAINS:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "relais",
                "makemessages",
                "-l",
                "fr",
                "-d",
                domain,
                "--no-location",
                "--no-obsolete",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        fresh = {
            e.msgid for e in polib.pofile(str(copy / "locale/fr/LC_MESSAGES" / f"{domain}.po"))
        }
        known = {e.msgid for e in polib.pofile(str(LOCALE / "fr/LC_MESSAGES" / f"{domain}.po"))}
        new = sorted(fresh - known - {""})
        assert not new, f"strings not in the {domain} catalogue (run `make messages`): {new[:10]}"
