"""Bundled JWST rules on small pools made here, for modes the reference corpus lacks.

The expected outcomes were checked against the reference generator (jwst 3.0.0) on the
same rows; they are written here as facts about the rules, not as copied files.
"""

from pathlib import Path

from asnrules.api import run

LAMP_HEADER = (
    "filename|program|obs_num|exp_type|instrume|detector|targetid|pntgtype|filter|pupil"
    "|grating|subarray|opmode|lamp|msametfl|fxd_slit|exposerr|asn_candidate"
)

# (exp_type, detector, filter, grating, opmode, lamp, msametfl) -> which rule takes it
LAMP_ROWS = [
    ("nrs_lamp", "nrs1", "opaque", "mirror", "image", "line1", "null"),  # 1 image
    ("nrs_lamp", "nrs2", "opaque", "mirror", "null", "line1", "null"),  # 2 image
    ("nrs_autoflat", "nrs1", "opaque", "g140h", "fixedslit", "flat1", "null"),  # 3 spectral
    ("nrs_autoflat", "nrs1", "opaque", "g140h", "fixedslit", "flat9", "null"),  # not in table
    ("nrs_autowave", "nrs2", "opaque", "g140h", "ifu", "flat4", "null"),  # FLAT4 misses NRS2
    ("nrs_autowave", "nrs1", "opaque", "g140h", "ifu", "flat4", "null"),  # 6 spectral
    ("nrs_lamp", "nrs2", "opaque", "g235m", "msaspec", "line2", "x_msa.fits"),  # 7 spectral
    ("nrs_lamp", "nrs2", "opaque", "g235m", "msaspec", "line2", "null"),  # MSA without metafile
    ("nrs_lamp", "nrs1", "opaque", "mirror", "fixedslit", "line1", "null"),  # mirror
    ("nrs_lamp", "nrs2", "opaque", "prism", "ifu", "line4", "null"),  # prism only on NRS1
    ("nrs_lamp", "nrs1", "opaque", "g395m", "ifu", "line3", "null"),  # 11 spectral
    ("nrs_lamp", "nrs1", "opaque", "g140m", "fixedslit", "nolamp", "null"),  # no lamp
    ("nrs_lamp", "nrs1", "clear", "g140m", "fixedslit", "line1", "null"),  # not opaque
]


def test_nirspec_lamp_rules(tmp_path: Path) -> None:
    lines = [LAMP_HEADER]
    for i, (exp_type, det, filt, grating, opmode, lamp, msa) in enumerate(LAMP_ROWS, 1):
        lines.append(
            f"jw01111001001_02101_{i:05d}_{det}_uncal.fits|01111|1|{exp_type}|nirspec|{det}|1"
            f"|science|{filt}|null|{grating}|full|{opmode}|{lamp}|{msa}|s200a1|null"
            "|[('o001', 'observation')]"
        )
    pool = tmp_path / "lamp.csv"
    pool.write_text("\n".join(lines) + "\n")
    result = run(pool)
    got = {
        (a.rule.name, int(a.members[0].fields["expname"].split("_")[2]))
        for a in result.associations
    }
    assert got == {
        ("Asn_Lv2NRSLAMPImage", 1),
        ("Asn_Lv2NRSLAMPImage", 2),
        ("Asn_Lv2NRSLAMPSpectral", 3),
        ("Asn_Lv2NRSLAMPSpectral", 6),
        ("Asn_Lv2NRSLAMPSpectral", 7),
        ("Asn_Lv2NRSLAMPSpectral", 11),
    }
    assert {a.rule.asn_type for a in result.associations if "SPECTRAL" in a.rule.name.upper()} == {
        "nrslamp-spec2"
    }
