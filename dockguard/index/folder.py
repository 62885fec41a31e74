"""The line index's files on disk: one folder per registry (and model), read by any number of
scanning processes and written by one process at a time (a lock file).

    <root>/CURRENT          name of the live generation (replaced atomically)
    <root>/lock             held while writing
    <root>/gen-N/manifest.json   what the generation holds: registry state, works, rows, lists
    <root>/gen-N/vectors.f16     every line vector, float16, rows in registration order (appended)
    <root>/gen-N/owner.i32       per row: the work's ordinal in the manifest
    <root>/gen-N/worded.u8       per row: the line carries words (model.worded_mask)
    <root>/gen-N/bands.sqlite    MinHash LSH band keys of the works' chunks (bands.py)
    <root>/gen-N/lists-K.faiss   the trained inverted lists over rows [0, lists_rows)

The manifest is the commit point: rows past `rows` in the row files, and band keys of works past
the manifest's, are what a writer killed mid-way left, and the next writer cuts them off. Files only
grow while a generation lives, so a reader's memory maps stay valid while a writer appends; a
rebuild writes a new generation and flips CURRENT.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from dockguard.errors import LineIndexError

FORMAT = 1
ROW_FILES = {"vectors.f16": np.float16, "owner.i32": np.int32, "worded.u8": np.uint8}


@dataclass(frozen=True, slots=True)
class IndexedWork:
    ordinal: int  # position in the manifest's works; the owner of its rows
    work_id: str
    start: int  # first row
    end: int  # one past the last row
    seq: int  # the register receipt that added it
    receipt_hash: str
    alive: bool = True  # False once a remove receipt was applied: its rows are never reported


@dataclass(frozen=True, slots=True)
class Lists:
    """The trained inverted lists: which file, how many rows it holds, what it was trained on."""

    file: str
    rows: int  # rows [0, rows) are in the lists; later rows are searched exactly until merged
    trained_on: int  # lines in the registry when trained
    lists: int
    codes: str


@dataclass(frozen=True, slots=True)
class Manifest:
    model_id: str
    dim: int
    minhash_key: str
    settings_key: str
    seq: int = 0  # the last receipt applied (0: none)
    head_hash: str = ""  # its hash: the registry must still have it at `seq`
    rows: int = 0
    works: tuple[IndexedWork, ...] = ()
    lists: Lists | None = None
    complete: bool = True  # False while a rebuild is filling this generation
    format: int = FORMAT

    @property
    def alive_rows(self) -> int:
        return sum(w.end - w.start for w in self.works if w.alive)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise LineIndexError(f"index format {raw.get('format')!r} is not {FORMAT}")
        works = tuple(IndexedWork(**w) for w in raw.pop("works"))
        lists = Lists(**raw.pop("lists")) if raw.get("lists") else None
        raw.pop("lists", None)
        return cls(works=works, lists=lists, **raw)


class Generation:
    """One generation's folder: its manifest and row files."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def read_manifest(self) -> Manifest | None:
        try:
            return Manifest.from_json(self.manifest_path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError, KeyError) as exc:
            raise LineIndexError(f"{self.manifest_path}: not a line index manifest ({exc})") from exc

    def write_manifest(self, manifest: Manifest) -> None:
        _atomic_write(self.manifest_path, manifest.to_json())

    def rows(self, name: str, count: int, dim: int = 1) -> np.ndarray:
        """The first `count` rows of a row file, memory-mapped read-only (zeros when empty)."""
        dtype = ROW_FILES[name]
        shape = (count, dim) if dim > 1 else (count,)
        if count == 0:
            return np.zeros(shape, dtype)
        return np.memmap(self.path / name, dtype=dtype, mode="r", shape=shape)

    def vector_file(self, count: int, dim: int) -> VectorFile:
        return VectorFile(self.path / "vectors.f16", count, dim)

    def append(self, vectors: np.ndarray, owner: np.ndarray, worded: np.ndarray) -> None:
        for name, data in (("vectors.f16", vectors), ("owner.i32", owner), ("worded.u8", worded)):
            with open(self.path / name, "ab") as out:
                out.write(np.ascontiguousarray(data, dtype=ROW_FILES[name]).tobytes())

    def cut_to(self, manifest: Manifest) -> None:
        """Drop rows a killed writer appended past the manifest (and make missing files empty)."""
        self.path.mkdir(parents=True, exist_ok=True)
        for name, dtype in ROW_FILES.items():
            width = np.dtype(dtype).itemsize * (manifest.dim if name == "vectors.f16" else 1)
            file = self.path / name
            with open(file, "ab") as out:
                if out.tell() < manifest.rows * width:
                    raise LineIndexError(
                        f"{file}: shorter than its manifest says; run `dockguard index rebuild`"
                    )
                out.truncate(manifest.rows * width)

    def sync_files(self) -> None:
        for name in ROW_FILES:
            fd = os.open(self.path / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


class VectorFile:
    """The first `count` line vectors of a generation, read with pread: random rows (a re-ranking
    shortlist) or a run of rows (a work). Not memory-mapped on purpose: a mapping's page faults map
    whole neighbourhoods of the file (fault-around), so re-ranking 100,000 random rows of a 4 GB
    file made the process resident over the whole file; read calls keep it at what was asked for,
    and the page cache still serves repeated reads."""

    def __init__(self, path: Path, count: int, dim: int) -> None:
        self.count, self.dim = count, dim
        self._width = dim * 2
        self._fd = os.open(path, os.O_RDONLY) if count else -1

    def __len__(self) -> int:
        return self.count

    def __del__(self) -> None:
        if getattr(self, "_fd", -1) >= 0:
            os.close(self._fd)

    def read(self, start: int, end: int) -> np.ndarray:
        """Rows [start, end) as float32."""
        end = min(end, self.count)
        if end <= start:
            return np.zeros((0, self.dim), np.float32)
        data = os.pread(self._fd, (end - start) * self._width, start * self._width)
        return np.frombuffer(data, dtype="<f2").reshape(end - start, self.dim).astype(np.float32)

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The given rows (sorted, unique) as float32: one read per run of consecutive rows."""
        out = np.empty((len(rows), self.dim), np.float32)
        if not len(rows):
            return out
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        at = 0
        for run in np.split(rows, breaks):
            out[at : at + len(run)] = self.read(int(run[0]), int(run[-1]) + 1)
            at += len(run)
        return out


class IndexFolder:
    """The index root: which generation is live, and the writers' lock."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def current(self) -> Generation | None:
        try:
            name = (self.root / "CURRENT").read_text("utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LineIndexError(f"cannot read the line index at {self.root}: {exc.strerror or exc}") from exc
        return Generation(self.root / name)

    def new_generation(self) -> Generation:
        self.root.mkdir(parents=True, exist_ok=True)
        while True:  # a rebuild and a writer may both be making one: mkdir decides
            taken = [int(p.name[4:]) for p in self.root.glob("gen-*") if p.name[4:].isdigit()]
            gen = Generation(self.root / f"gen-{max(taken, default=0) + 1}")
            try:
                gen.path.mkdir()
                return gen
            except FileExistsError:
                continue

    def pending(self) -> Generation | None:
        """A generation newer than the live one (a rebuild that was stopped), if any."""
        live = self.current()
        gens = sorted(
            (p for p in self.root.glob("gen-*") if p.name[4:].isdigit()), key=lambda p: int(p.name[4:])
        )
        if gens and (live is None or gens[-1] != live.path) and (gens[-1] / "manifest.json").exists():
            return Generation(gens[-1])
        return None

    def make_current(self, gen: Generation) -> None:
        _atomic_write(self.root / "CURRENT", gen.path.name)
        for path in self.root.glob("gen-*"):
            if path != gen.path:
                shutil.rmtree(path, ignore_errors=True)  # files a reader has open stay readable to it

    @contextmanager
    def writing(self, lock: str = "lock") -> Iterator[None]:
        """Hold the writers' lock (waits for another writer: a catch-up takes seconds); with
        lock="rebuild.lock", the one that keeps two rebuilds apart."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / lock, "a+")
        except OSError as exc:
            raise LineIndexError(
                f"cannot write the line index at {self.root}: {exc.strerror or exc}"
            ) from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)
