"""The command line as an analyst meets it: exit codes and messages, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefs import cli, paths


def params_copy(tmp_path: Path, **replace: str) -> Path:
    text = paths.DEFAULT_PARAMS.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    f = tmp_path / "rakor-uji.yml"
    f.write_text(text, encoding="utf-8")
    return f


def test_check_prints_the_data_report_and_exits_0(capsys):
    assert cli.main(["check", str(paths.DEFAULT_PARAMS)]) == 0
    out = capsys.readouterr().out
    assert "kepesertaan" in out and "valid" in out
    assert "Notebook, dibaca tanpa dijalankan:\n  tidak ada peringatan" in out  # the sample notebooks type no figure


def test_bad_params_exit_2_with_one_line_per_problem(tmp_path, capsys):
    f = params_copy(tmp_path, **{"engine: weasyprint": "engine: latex", "place: Pulau Punjung": "tempat: Pulau Punjung"})
    out = tmp_path / "out"
    assert cli.main([str(f), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "rakor-uji.yml:" in err and ":engine:" in err and ":tempat:" in err and ":place:" in err
    assert not out.exists()  # nothing executed, nothing written


def test_unknown_only_name_lists_the_valid_names(capsys):
    assert cli.main([str(paths.DEFAULT_PARAMS), "--only", "Koto Lamo"]) == 2
    err = capsys.readouterr().err
    assert "Koto Lamo" in err and "Sitiung" in err and "Pulau Punjung" in err


def test_bad_data_exit_2_before_any_notebook_runs(tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(paths.DATA / "sample", folder)
    lines = (folder / "kepesertaan.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0] + ",-5"
    (folder / "kepesertaan.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    f = params_copy(tmp_path, **{"data: data/sample": f"data: {folder}"})
    out = tmp_path / "out"
    assert cli.main([str(f), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "kepesertaan.csv:5:peserta_aktif" in err and "-5" in err
    assert not out.exists()


def test_period_not_in_data_names_key_and_value(tmp_path, capsys):
    f = params_copy(tmp_path, **{'period: "2026-10"': 'period: "2026-12"'})
    assert cli.main(["check", str(f)]) == 2
    err = capsys.readouterr().err
    assert "period" in err and "2026-12" in err


@pytest.mark.parametrize(("argv", "line"), [
    (["--engine", "latex"], "  --engine: nilainya tidak dikenal; tertulis 'latex'; yang diharapkan: 'weasyprint', 'quarto'"),
    (["--engine", "weasy print"], "  --engine: nilainya tidak dikenal; tertulis 'weasy print'; yang diharapkan: "
                                  "'weasyprint', 'quarto'"),
    (["--jobs", "dua"], "  --jobs: jumlah worker tidak valid; tertulis 'dua'; yang diharapkan: bilangan bulat 1 sampai 256"),
    (["--jobs", "0"], "  --jobs: jumlah worker tidak valid; tertulis '0'; yang diharapkan: bilangan bulat 1 sampai 256"),
    (["--jobs", "-1"], "  --jobs: jumlah worker tidak valid; tertulis '-1'; yang diharapkan: bilangan bulat 1 sampai 256"),
    (["--jobs", "999"], "  --jobs: jumlah worker tidak valid; tertulis '999'; yang diharapkan: bilangan bulat 1 sampai 256"),
    (["--jobs", "9" * 5000], "  --jobs: jumlah worker tidak valid; tertulis '99999999999999999999'…; yang diharapkan: "
                             "bilangan bulat 1 sampai 256"),
    (["--o", "x"], "  --o: opsi ambigu, bisa berarti --only, --out"),
    (["--only"], "  --only: nilainya tidak ada"),
    (["--onyl", "Sitiung"], "  baris perintah: opsi tidak dikenal: --onyl (lihat python build.py --help)"),
    (["check"], "  baris perintah: wajib diisi tetapi tidak ada: PARAMS"),
    (["sign", "outputs/rakor-2026-11"], "  baris perintah: wajib diisi tetapi tidak ada: --key"),
    (["verify", "a", "b"], "  baris perintah: opsi tidak dikenal: b (lihat python build.py --help)"),
])
def test_a_mistyped_option_is_one_line_in_indonesian_and_exit_2(argv, line, tmp_path, capsys):
    """argparse's own errors (English, its own format) come out as every other bad input does."""
    assert cli.main(argv + (["--out", str(tmp_path / "out")] if argv[0].startswith("--") else [])) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["Input tidak valid (1 masalah); tidak ada yang dijalankan:", line], err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [[], ["check"], ["verify"], ["sign"]])
def test_help_is_in_indonesian_for_every_command(command, capsys):
    """`--help` is read by the same analysts as every message: argparse's English headings
    ('usage', 'positional arguments', 'options', 'show this help message') are translated."""
    with pytest.raises(SystemExit) as done:
        cli.main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cara pakai: ") and "\nargumen:\n" in out and "\nopsi:\n" in out, out
    assert "tampilkan bantuan ini lalu keluar" in out
    for english in ("usage", "positional arguments", "options:", "show this help"):
        assert english not in out, (english, out)


def test_the_same_notice_from_one_cell_in_many_briefs_is_one_line_naming_how_many(capsys):
    """A Markdown cell's typed figure warns in every brief: one fix, so one line, not one per kecamatan."""
    typed = {"notebook": "notebooks/brief_kecamatan.ipynb", "cell": 5, "source": "## Cakupan",
             "message": "angka diketik di sel Markdown («27,2%»)"}
    names = ["Koto Baru", "Sitiung", "Timpeh", "Tiumang", "Padang Laweh"]
    warnings = [{"scope": "data", "message": "kepesertaan.csv baris 7: lonjakan"}]
    warnings += [{**typed, "scope": f"Kecamatan {n}"} for n in names]
    warnings += [{**typed, "cell": 9, "scope": "Kecamatan Sitiung"},  # another cell: another fix
                 {**typed, "cell": 9, "scope": "Kecamatan Timpeh"},
                 {"scope": "Kecamatan Sitiung", "notebook": typed["notebook"], "message": "3 halaman A4"}]
    cli._print_warnings(warnings)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "Peringatan (9); juga di laporan-data.html dan manifest.json:",
        "  data: kepesertaan.csv baris 7: lonjakan",
        "  5 brief: Kecamatan Koto Baru, Kecamatan Sitiung, Kecamatan Timpeh dan 2 lainnya · "
        "notebooks/brief_kecamatan.ipynb · sel 5 «## Cakupan»: angka diketik di sel Markdown («27,2%»)",
        "  2 brief: Kecamatan Sitiung dan Kecamatan Timpeh · notebooks/brief_kecamatan.ipynb · sel 9 «## Cakupan»: "
        "angka diketik di sel Markdown («27,2%»)",
        "  Kecamatan Sitiung · notebooks/brief_kecamatan.ipynb: 3 halaman A4",
    ]


def test_warnings_of_a_build_that_published_nothing_do_not_point_at_its_files(capsys):
    cli._print_warnings([{"scope": "data", "message": "x"}], published=False)
    assert capsys.readouterr().err.splitlines()[0] == "Peringatan (1):"
