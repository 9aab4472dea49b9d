"""Input rules: sizes checked before reading, each bad file or stdin line refused with its
reason (the rest go on), odd paths decided. See the README's "Input rules"."""
import io
import json
import os


from conftest import SEEDS
from producers.articles import MAX_FILE_BYTES, MAX_LINE_BYTES, Refusal, read_articles

ARTICLE = "Năm 2023, giá trị sản xuất công nghiệp tỉnh Hà Nam tăng 5%."


def split(items):
    items = list(items)
    return [i for i in items if not isinstance(i, Refusal)], [i for i in items if isinstance(i, Refusal)]


def test_each_bad_stdin_line_is_refused_with_its_number_and_the_rest_go_on():
    lines = [
        b"\xef\xbb\xbf" + json.dumps({"title": "Dòng một", "body": ARTICLE}).encode(),  # BOM on line 1
        json.dumps({"title": 5, "body": ARTICLE}).encode(),
        json.dumps({"url": {"href": "https://a"}, "body": ARTICLE}).encode(),
        json.dumps({"title": ["a", "b"], "body": ARTICLE}).encode(),
        b"[" * 100_000 + b"]" * 100_000,
        b'{"body": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}',
        json.dumps({"body": ARTICLE, "published_at": "2023-13-45"}).encode(),
        b'{"body": "\xff\xfe"}',
        json.dumps({"title": "Dòng chín", "text": ARTICLE, "url": "https://b/9"}).encode(),
        b"[1, 2]",
    ]
    events, refused = split(read_articles(["-"], stdin=io.BytesIO(b"\n".join(lines) + b"\n")))
    assert [e["title"] for e in events] == ["Dòng một", "Dòng chín"]
    reasons = {r.source: r.reason for r in refused}
    assert list(reasons) == [f"stdin:{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10)]
    assert reasons["stdin:2"].startswith("title: Input should be a valid string")
    assert reasons["stdin:3"].startswith("url: Input should be a valid string")
    assert reasons["stdin:4"].startswith("title: Input should be a valid string")
    assert "nested too deeply" in reasons["stdin:5"]
    assert f"over the {MAX_LINE_BYTES:,}-byte limit" in reasons["stdin:6"]
    assert "not a real date" in reasons["stdin:7"]
    assert "not UTF-8" in reasons["stdin:8"]
    assert "not an object" in reasons["stdin:10"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as file:  # 50 MB, sparse: reading it would be the fault
        file.truncate(50 * 1024 * 1024)
    events, [refusal] = split(read_articles([str(big)]))
    assert events == [] and f"over the {MAX_FILE_BYTES:,}-byte limit" in refusal.reason


def test_odd_paths_in_a_folder(tmp_path):
    root = tmp_path / "articles"
    (root / "sub").mkdir(parents=True)
    (root / "upper.TXT").write_text("Hoa\n" + ARTICLE, encoding="utf-8")
    (root / "sub" / "notes.Md").write_text("Ghi chú\n" + ARTICLE.replace("2023", "2022"), encoding="utf-8")
    (root / ".hidden.txt").write_text("Ẩn\n" + ARTICLE, encoding="utf-8")
    (root / "picture.png").write_bytes(b"\x89PNG")
    outside = tmp_path / "secret.txt"
    outside.write_text("Bí mật\n" + ARTICLE, encoding="utf-8")
    (root / "inside-link.txt").symlink_to(root / "upper.TXT")
    (root / "outside-link.txt").symlink_to(outside)
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "broken.txt").symlink_to(root / "missing.txt")
    (root / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(root / "pipe.txt")

    events, refused = split(read_articles([str(root)]))
    assert sorted(e["source"].removeprefix(str(root) + "/") for e in events) == ["inside-link.txt", "sub/notes.Md", "upper.TXT"]
    reasons = {r.source.removeprefix(str(root) + "/"): r.reason for r in refused}
    assert reasons["outside-link.txt"].startswith("symlink leads outside")
    assert reasons["loop.txt"] == reasons["broken.txt"] == "broken symlink or symlink loop"
    assert reasons["linked-folder"] == "symlink to a folder: not followed"
    assert reasons["pipe.txt"] == "not a regular file (FIFO)"
    assert reasons["picture.png"].startswith("not an article file")
    assert ".hidden.txt" not in reasons and all("secret" not in e["body"] for e in events)


def test_a_fifo_named_directly_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "named.txt"
    os.mkfifo(fifo)  # opened for a blocking read, this would wait for a writer forever
    assert split(read_articles([str(fifo)])) == ([], [Refusal(str(fifo), "not a regular file (FIFO)")])


def test_missing_paths_and_empty_folders_are_refusals(tmp_path):
    (tmp_path / "empty").mkdir()
    events, refused = split(read_articles([str(tmp_path / "missing"), str(tmp_path / "empty"), str(SEEDS)]))
    assert len(events) == 5
    assert [r.reason for r in refused] == ["no such file or folder", "no article files (.txt or .md) in this folder"]
