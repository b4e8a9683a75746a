"""importers.submissions: command-line paths to sheet files, zip archives expanded safely."""

from __future__ import annotations

import io
import os
import random
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from importers import submissions
from importers.limits import MB, Limits
from importers.submissions import SYMLINK_REASON, collect

PDF = b"%PDF-1.4 a practice sheet\n%%EOF\n"
DOCX = b"PK\x03\x04 pretend Word package"  # never parsed here: only copied


# ----------------------------------------------------------------------------- factories

def make_zip(members: list[tuple[str | zipfile.ZipInfo, bytes]],
             compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip with members in the given order; duplicate names are allowed on purpose."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
        for name, content in members:
            archive.writestr(name, content)
    return out.getvalue()


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def patch_member(data: bytes, name: str, **fields: int) -> bytes:
    """Rewrite a member's flags or sizes in both its local and central headers."""
    local = {"flag_bits": 6, "compress_size": 18, "file_size": 22}
    central = {"flag_bits": 8, "compress_size": 20, "file_size": 24}
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    # Walk the central directory from the offset the end record gives.
    directory = struct.unpack_from("<I", data, data.rindex(b"PK\x05\x06") + 16)[0]
    while data[directory + 46:directory + 46 + len(name.encode())] != name.encode():
        directory += 46 + sum(struct.unpack_from("<HHH", data, directory + 28))
    for key, value in fields.items():
        layout = "<H" if key == "flag_bits" else "<I"
        struct.pack_into(layout, out, info.header_offset + local[key], value)
        struct.pack_into(layout, out, directory + central[key], value)
    return bytes(out)


def data_offset(data: bytes, name: str) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_len + extra_len


def noise(size: int) -> bytes:
    """Incompressible bytes, the same on every run."""
    return random.Random(size).randbytes(size)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path / "work"


def run(paths: list[Path | str], workdir: Path, limits: Limits = Limits()
        ) -> submissions.Collection:
    """Collect, and check that nothing was written outside workdir."""
    root = workdir.parent
    before = {p for p in root.rglob("*") if not p.is_relative_to(workdir)}
    result = collect(paths, workdir, limits)
    after = {p for p in root.rglob("*") if not p.is_relative_to(workdir)}
    assert after == before
    assert all(p.is_file() and p.parent == workdir for p in workdir.iterdir())
    for item in result.submissions:
        assert (item.path is None) == (item.error is not None)
    return result


def outcome(result: submissions.Collection) -> list[tuple[str, str]]:
    """(name, "ok" or the error kind) of each submission, in order."""
    return [(item.name, item.error.kind if item.error else "ok") for item in result.submissions]


def only_error(result: submissions.Collection, name: str) -> str:
    """The message of the refused submission `name`, checked to name it."""
    [item] = [item for item in result.submissions if item.name == name]
    assert item.path is None and item.error is not None
    assert name in item.error.message
    return item.error.message


# ----------------------------------------------------------------------------- plain files

def test_plain_files_are_submitted_as_given_whatever_their_suffix(tmp_path, workdir):
    pdf = write(tmp_path / "in" / "a.pdf", PDF)
    notes = write(tmp_path / "in" / "notes.txt", b"hello")
    word = write(tmp_path / "in" / "b.docx", make_zip([("word/document.xml", b"<w/>")]))
    result = run([str(pdf), notes, word], workdir)
    assert [(item.name, item.path) for item in result.submissions] == [
        (str(pdf), pdf), (str(notes), notes), (str(word), word)]
    assert list(workdir.iterdir()) == []  # a .docx is a sheet, not an archive to expand


def test_a_missing_path_is_refused_with_advice(tmp_path, workdir):
    missing = str(tmp_path / "in" / "gone.pdf")
    result = run([missing], workdir)
    assert outcome(result) == [(missing, "unreadable")]
    assert "check the path" in only_error(result, missing)


def test_a_zip_named_file_that_is_not_a_zip_goes_to_the_parser(tmp_path, workdir):
    renamed = write(tmp_path / "sheet.zip", PDF)
    assert outcome(run([renamed], workdir)) == [(str(renamed), "ok")]


# ----------------------------------------------------------------------------- folders

def test_folders_are_walked_in_name_order_skipping_hidden_and_lock_files(tmp_path, workdir):
    root = tmp_path / "in"
    for rel in ["b.pdf", "a.docx", "sub/c.docm", "sub/deeper/d.dotx", ".hidden.pdf",
                ".git/e.pdf", "~$a.docx", "notes.txt", "Thumbs.db"]:
        write(root / rel, PDF)
    write(root / "sub" / "batch.zip", make_zip([("z.pdf", PDF)]))
    result = run([str(root)], workdir)
    assert outcome(result) == [(f"{root}/a.docx", "ok"), (f"{root}/b.pdf", "ok"),
                               (f"{root}/sub/batch.zip!/z.pdf", "ok"),
                               (f"{root}/sub/c.docm", "ok"), (f"{root}/sub/deeper/d.dotx", "ok")]
    assert result.ignored == [(f"{root}/.git", "hidden folder"),
                              (f"{root}/.hidden.pdf", "hidden file"),
                              (f"{root}/Thumbs.db", "macOS or Windows folder metadata"),
                              (f"{root}/notes.txt", "not a PDF, Word or zip file"),
                              (f"{root}/~$a.docx", "Office lock file")]
    assert result.submissions[0].path == root / "a.docx"
    assert result.submissions[2].path.read_bytes() == PDF


def test_symbolic_links_inside_folders_are_not_followed(tmp_path, workdir):
    outside = tmp_path / "outside"
    write(outside / "secret.pdf", PDF)
    root = tmp_path / "in"
    write(root / "real.pdf", PDF)
    (root / "linked.pdf").symlink_to(outside / "secret.pdf")
    (root / "linked-dir").symlink_to(outside, target_is_directory=True)
    result = run([root], workdir)
    assert outcome(result) == [(f"{root}/real.pdf", "ok")]
    assert result.ignored == [(f"{root}/linked-dir", SYMLINK_REASON),
                              (f"{root}/linked.pdf", SYMLINK_REASON)]


# ----------------------------------------------------------------------------- archives

def test_a_zip_gives_its_sheets_in_archive_order_and_lists_the_junk(tmp_path, workdir):
    batch = write(tmp_path / "in" / "batch.zip", make_zip([
        ("2024/", b""), ("2024/b.pdf", PDF), ("a.docx", DOCX), ("notes.txt", b"x"),
        ("__MACOSX/2024/._b.pdf", b"fork"), ("._a.docx", b"fork"), (".DS_Store", b"x"),
        ("2024/Thumbs.db", b"x"), ("~$a.docx", b"lock"), (".secret/c.pdf", PDF),
        ("Prévention/sécurité.docm", DOCX)]))
    result = run([batch], workdir)
    name = str(batch)
    assert outcome(result) == [(f"{name}!/2024/b.pdf", "ok"), (f"{name}!/a.docx", "ok"),
                               (f"{name}!/Prévention/sécurité.docm", "ok")]
    assert [path.read_bytes() for path in (s.path for s in result.submissions)] == [PDF, DOCX,
                                                                                    DOCX]
    assert all(s.path.parent == workdir for s in result.submissions)
    assert result.submissions[2].path.name.endswith("sécurité.docm")
    assert result.ignored == [
        (f"{name}!/notes.txt", "not a PDF, Word or zip file"),
        (f"{name}!/__MACOSX/2024/._b.pdf", "macOS or Windows folder metadata"),
        (f"{name}!/._a.docx", "macOS or Windows folder metadata"),
        (f"{name}!/.DS_Store", "macOS or Windows folder metadata"),
        (f"{name}!/2024/Thumbs.db", "macOS or Windows folder metadata"),
        (f"{name}!/~$a.docx", "Office lock file"),
        (f"{name}!/.secret/c.pdf", "hidden file")]


def test_members_with_the_same_base_name_do_not_collide(tmp_path, workdir):
    batch = write(tmp_path / "batch.zip", make_zip([
        ("2023/report.pdf", PDF + b"2023"), ("2024/report.pdf", PDF + b"2024"),
        ("2024/report.pdf", PDF + b"again")]))
    result = run([batch], workdir)
    assert [s.path.read_bytes()[-4:] for s in result.submissions] == [b"2023", b"2024", b"gain"]
    assert len({s.path for s in result.submissions}) == 3


def test_a_name_without_the_utf8_flag_is_decoded_as_cp437(tmp_path, workdir):
    data = make_zip([("rXsumX.pdf", PDF)]).replace(b"rXsumX.pdf", b"r\x82sum\x82.pdf")
    batch = write(tmp_path / "batch.zip", data)
    result = run([batch], workdir)
    assert outcome(result) == [(f"{batch}!/résumé.pdf", "ok")]
    assert result.submissions[0].path.name.endswith("-résumé.pdf")


def test_nested_zips_are_expanded_and_the_inner_copy_removed(tmp_path, workdir):
    inner = make_zip([("b.docx", DOCX), ("c.txt", b"x")])
    batch = write(tmp_path / "batch.zip", make_zip([("a.pdf", PDF), ("inner.zip", inner)]))
    result = run([batch], workdir)
    assert outcome(result) == [(f"{batch}!/a.pdf", "ok"), (f"{batch}!/inner.zip!/b.docx", "ok")]
    assert result.ignored == [(f"{batch}!/inner.zip!/c.txt", "not a PDF, Word or zip file")]
    assert sorted(p.name.split("-", 1)[1] for p in workdir.iterdir()) == ["a.pdf", "b.docx"]


def test_zips_nested_deeper_than_the_limit_are_refused(tmp_path, workdir):
    level4 = make_zip([("x.pdf", PDF)])
    level3 = make_zip([("c.pdf", PDF), ("level4.zip", level4)])
    level2 = make_zip([("level3.zip", level3)])
    batch = write(tmp_path / "batch.zip", make_zip([("level2.zip", level2)]))
    result = run([batch], workdir)
    deep = f"{batch}!/level2.zip!/level3.zip"
    assert outcome(result) == [(f"{deep}!/c.pdf", "ok"), (f"{deep}!/level4.zip", "unsafe-archive")]
    assert "nested more than 3" in only_error(result, f"{deep}!/level4.zip")


@pytest.mark.parametrize("member", ["../x.pdf", "/abs.pdf", "..\\x.pdf", "C:/x.pdf",
                                    "a/../../etc/x.pdf", "\\\\server\\x.pdf", "c:x.pdf"])
def test_paths_that_leave_the_archive_are_refused(tmp_path, workdir, member):
    batch = write(tmp_path / "in" / "batch.zip", make_zip([(member, PDF), ("ok.pdf", PDF)]))
    result = run([batch], workdir)
    bad = f"{batch}!/{member}"
    assert outcome(result) == [(bad, "unsafe-archive"), (f"{batch}!/ok.pdf", "ok")]
    assert "leaves the archive" in only_error(result, bad)
    assert len(list(workdir.iterdir())) == 1


def test_symbolic_link_members_are_refused(tmp_path, workdir):
    link = zipfile.ZipInfo("link.pdf")
    link.external_attr = 0o120777 << 16
    batch = write(tmp_path / "batch.zip", make_zip([(link, b"/etc/passwd"), ("ok.pdf", PDF)]))
    result = run([batch], workdir)
    assert outcome(result) == [(f"{batch}!/link.pdf", "unsafe-archive"), (f"{batch}!/ok.pdf", "ok")]
    assert "symbolic link" in only_error(result, f"{batch}!/link.pdf")


def test_encrypted_members_are_refused(tmp_path, workdir):
    # zipfile cannot write encrypted members: set the "encrypted" flag in the headers.
    data = make_zip([("locked.pdf", PDF), ("ok.pdf", PDF)])
    batch = write(tmp_path / "batch.zip", patch_member(data, "locked.pdf", flag_bits=0x1))
    result = run([batch], workdir)
    assert outcome(result) == [(f"{batch}!/locked.pdf", "encrypted"), (f"{batch}!/ok.pdf", "ok")]
    assert "password" in only_error(result, f"{batch}!/locked.pdf")


def test_a_member_over_the_size_limit_is_refused(tmp_path, workdir):
    batch = write(tmp_path / "batch.zip", make_zip([("big.pdf", noise(3000)), ("ok.pdf", PDF)]))
    result = run([batch], workdir, Limits(max_bytes=2000))
    assert outcome(result) == [(f"{batch}!/big.pdf", "too-large"), (f"{batch}!/ok.pdf", "ok")]
    assert "--max-size" in only_error(result, f"{batch}!/big.pdf")


ZEROS = b"\0" * (50 * MB)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return make_zip([("bomb.pdf", ZEROS), ("ok.pdf", PDF)])


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path, workdir, bomb):
    batch = write(tmp_path / "batch.zip", bomb)
    result = run([batch], workdir)
    assert outcome(result) == [(f"{batch}!/bomb.pdf", "too-large"), (f"{batch}!/ok.pdf", "ok")]
    assert "zip bomb" in only_error(result, f"{batch}!/bomb.pdf")


def test_a_bomb_whose_header_lies_is_stopped_while_inflating(tmp_path, workdir, bomb):
    batch = write(tmp_path / "batch.zip", patch_member(bomb, "bomb.pdf", file_size=100))
    result = run([batch], workdir)
    assert outcome(result) == [(f"{batch}!/bomb.pdf", "too-large"), (f"{batch}!/ok.pdf", "ok")]
    assert "zip bomb" in only_error(result, f"{batch}!/bomb.pdf")
    assert len(list(workdir.iterdir())) == 1  # the partial copy is removed


def test_a_member_larger_than_its_header_says_is_stopped_at_the_limit(tmp_path, workdir):
    batch = write(tmp_path / "batch.zip", patch_member(
        make_zip([("liar.pdf", noise(300_000)), ("ok.pdf", PDF)]), "liar.pdf", file_size=10))
    result = run([batch], workdir, Limits(max_bytes=100_000))
    assert outcome(result) == [(f"{batch}!/liar.pdf", "too-large"), (f"{batch}!/ok.pdf", "ok")]
    assert len(list(workdir.iterdir())) == 1


def test_a_member_smaller_than_its_header_says_is_refused(tmp_path, workdir):
    batch = write(tmp_path / "batch.zip", patch_member(
        make_zip([("short.pdf", PDF), ("ok.pdf", PDF)]), "short.pdf", file_size=len(PDF) + 9))
    result = run([batch], workdir)
    assert outcome(result) == [(f"{batch}!/short.pdf", "unreadable"), (f"{batch}!/ok.pdf", "ok")]
    assert "header" in only_error(result, f"{batch}!/short.pdf")


def test_the_archive_tree_total_is_capped(tmp_path, workdir):
    inner = make_zip([(f"in{i}.pdf", noise(900)) for i in range(5)], zipfile.ZIP_STORED)
    members = [(f"s{i:02}.pdf", noise(900)) for i in range(15)] + [("inner.zip", inner)]
    batch = write(tmp_path / "batch.zip", make_zip(members + [("last.pdf", PDF)]))
    result = run([batch], workdir, Limits(max_bytes=1000))  # 20 000 bytes in all
    kinds = [kind for _, kind in outcome(result)]
    # 15 x 900 + the inner zip (about 5 100) + 1 x 900 fit; the rest is refused.
    assert kinds == ["ok"] * 16 + ["too-large"] * 5
    assert "split the zip" in only_error(result, f"{batch}!/inner.zip!/in1.pdf")
    assert "split the zip" in only_error(result, f"{batch}!/last.pdf")


def test_archives_with_too_many_entries_are_refused(tmp_path, workdir, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_MEMBERS", 4)
    inner = make_zip([(f"i{i}.pdf", PDF) for i in range(2)])
    nested = write(tmp_path / "nested.zip", make_zip([("a.pdf", PDF), ("inner.zip", inner)]))
    crowded = write(tmp_path / "crowded.zip", make_zip([(f"{i}.pdf", PDF) for i in range(5)]))
    # The cap counts the zips inside too: 3 + 2 entries are over 4.
    overflow = write(tmp_path / "overflow.zip", make_zip([("a.pdf", PDF), ("b.pdf", PDF),
                                                         ("inner.zip", inner)]))
    result = run([nested, crowded, overflow], workdir)
    assert outcome(result) == [(f"{nested}!/a.pdf", "ok"), (f"{nested}!/inner.zip!/i0.pdf", "ok"),
                               (f"{nested}!/inner.zip!/i1.pdf", "ok"), (str(crowded), "too-large"),
                               (f"{overflow}!/a.pdf", "ok"), (f"{overflow}!/b.pdf", "ok"),
                               (f"{overflow}!/inner.zip", "too-large")]
    assert "5 entries" in only_error(result, str(crowded))
    assert "limit of 4" in only_error(result, f"{overflow}!/inner.zip")


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_archive_is_one_refused_submission(tmp_path, workdir, damage):
    good = make_zip([("a.pdf", noise(5000)), ("b.pdf", PDF)])
    data = b"PK\x03\x04 not really" if damage == "garbage" else good[:len(good) // 2]
    batch = write(tmp_path / "batch.zip", data)
    result = run([batch], workdir)
    assert outcome(result) == [(str(batch), "unreadable")]
    assert "damaged or incomplete" in only_error(result, str(batch))


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_damaged_member_is_refused_and_the_rest_goes_on(tmp_path, workdir, compression):
    data = bytearray(make_zip([("bad.pdf", PDF * 50), ("ok.pdf", PDF)], compression))
    start = data_offset(bytes(data), "bad.pdf")
    for pos in range(start + 5, start + 15):
        data[pos] ^= 0xFF
    batch = write(tmp_path / "batch.zip", bytes(data))
    result = run([batch], workdir)
    assert outcome(result) == [(f"{batch}!/bad.pdf", "unreadable"), (f"{batch}!/ok.pdf", "ok")]
    assert "create the zip again" in only_error(result, f"{batch}!/bad.pdf")
    assert len(list(workdir.iterdir())) == 1


def test_a_leftover_file_in_workdir_is_never_overwritten(tmp_path, workdir):
    write(workdir / "000001-a.pdf", b"earlier run")
    batch = write(tmp_path / "batch.zip", make_zip([("a.pdf", PDF)]))
    result = collect([batch], workdir)
    assert (workdir / "000001-a.pdf").read_bytes() == b"earlier run"
    assert result.submissions[0].path.read_bytes() == PDF


def test_extracted_names_are_safe_and_short(tmp_path, workdir):
    long = "é" * 200 + ".pdf"
    batch = write(tmp_path / "batch.zip", make_zip([("a b\x01:*?.pdf", PDF), (long, PDF)]))
    result = run([batch], workdir)
    names = [s.path.name for s in result.submissions]
    assert names[0] == "000001-a_b_.pdf"
    assert len(names[1].encode()) <= 255 and names[1].endswith(".pdf")
    assert os.sep not in "".join(names)
