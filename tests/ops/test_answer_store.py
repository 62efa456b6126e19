"""The answer store (rseai.ops.answer_store): per user, writable, keyed by all that makes the answers."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rseai import lm
from rseai.data import load_facts
from rseai.hallucination import evaluate
from rseai.ops import answer_store, model_files
from tests.conftest import tiny_llama

ROOT = Path(__file__).resolve().parents[2]
QUICK = dict(n_samples=1, max_new_tokens=3, progress=False)


@pytest.fixture
def facts():
    return load_facts().head(2)


@pytest.fixture
def tiny_lm(tmp_path, smollm):
    """A tiny real Llama saved to a folder and loaded with load_model (answers are nonsense, fast)."""
    folder = tmp_path / "tiny"
    tiny_llama(smollm.vocab_size).save_pretrained(folder)
    smollm.tokenizer.save_pretrained(folder)
    return lm.load_model(str(folder))


def test_answers_root_is_rseai_answers_else_the_user_cache(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setenv(answer_store.ANSWERS_ENV, str(tmp_path / "mine"))
    assert answer_store.answers_root() == tmp_path / "mine"
    monkeypatch.delenv(answer_store.ANSWERS_ENV)
    monkeypatch.setenv(model_files.STORE_ENV, str(tmp_path / "shared-model"))  # not where answers go
    assert answer_store.answers_root() == Path(platformdirs.user_cache_dir("rseai")) / "answers"


def test_a_second_run_is_read_from_the_store(tiny_lm, facts, tmp_path):
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path / "a", **QUICK).n_generated == 2
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path / "a", **QUICK).n_generated == 0
    assert sorted(p.suffix for p in (tmp_path / "a").iterdir()) == [".json", ".json"]  # no temp files


@pytest.mark.parametrize("package", answer_store.KEYED_PACKAGES)
def test_another_package_version_misses_the_store(tiny_lm, facts, tmp_path, monkeypatch, package):
    evaluate(tiny_lm, facts, answers_dir=tmp_path, **QUICK)
    real = answer_store.metadata.version
    monkeypatch.setattr(answer_store.metadata, "version", lambda p: "999.0" if p == package else real(p))
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path, **QUICK).n_generated == 2


def test_edited_decoding_code_misses_the_store(tiny_lm, facts, tmp_path, monkeypatch):
    assert answer_store.DECODING_MODULES == ("rseai.lm.model", "rseai.lm.decode",
                                             "rseai.hallucination.asking")
    module = tmp_path / "code" / "rseai_probe_decoding_copy.py"
    module.parent.mkdir()
    module.write_text(Path(ROOT / "rseai" / "lm" / "decode.py").read_text())
    monkeypatch.syspath_prepend(str(module.parent))
    monkeypatch.setattr(answer_store, "DECODING_MODULES", (*answer_store.DECODING_MODULES, module.stem))
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path / "a", **QUICK).n_generated == 2
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path / "a", **QUICK).n_generated == 0
    module.write_text(module.read_text() + "# an edit that changes no behaviour still misses\n")
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path / "a", **QUICK).n_generated == 2


def test_another_tokenizer_or_chat_template_misses_the_store(tiny_lm, facts, tmp_path, monkeypatch):
    import copy

    assert evaluate(tiny_lm, facts, answers_dir=tmp_path, **QUICK).n_generated == 2
    tokenizer = copy.deepcopy(tiny_lm.tokenizer)
    monkeypatch.setattr(tiny_lm, "tokenizer", tokenizer)
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path, **QUICK).n_generated == 0  # an equal copy hits
    tokenizer.chat_template = (tokenizer.chat_template or "") + "{# edited #}"
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path, **QUICK).n_generated == 2
    before = answer_store.model_fingerprint(tiny_lm)["tokenizer_sha256"]
    tokenizer.add_tokens(["<rseai-new-token>"])
    assert answer_store.model_fingerprint(tiny_lm)["tokenizer_sha256"] != before


def test_line_endings_alone_do_not_change_the_code_key(tiny_lm, tmp_path, monkeypatch):
    module = tmp_path / "rseai_probe_crlf.py"
    module.write_bytes(b"x = 1\ny = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(answer_store, "DECODING_MODULES", (module.stem,))
    lf = answer_store.model_fingerprint(tiny_lm)["code_sha256"]
    module.write_bytes(b"x = 1\r\ny = 2\r\n")
    assert answer_store.model_fingerprint(tiny_lm)["code_sha256"] == lf


def test_new_weights_in_the_same_folder_miss_the_store(tiny_lm, facts, tmp_path, smollm):
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path / "a", **QUICK).n_generated == 2
    tiny_llama(smollm.vocab_size, seed=1).save_pretrained(tmp_path / "tiny")  # same name, new weights
    retrained = lm.load_model(str(tmp_path / "tiny"))
    assert retrained.name == tiny_lm.name
    assert evaluate(retrained, facts, answers_dir=tmp_path / "a", **QUICK).n_generated == 2


def test_weights_of_a_model_built_in_memory_are_hashed(tiny_lm):
    import torch

    tiny_lm.model.name_or_path = ""  # not from a folder
    before = answer_store.model_fingerprint(tiny_lm)["weights_sha256"]
    with torch.no_grad():
        next(tiny_lm.model.parameters())[0, 0] += 1
    assert answer_store.model_fingerprint(tiny_lm)["weights_sha256"] != before


def test_embedded_model_key_is_the_prepared_weights_sha256(smollm):
    manifest = json.loads((Path(smollm.model.name_or_path) / model_files.MANIFEST).read_text())
    weights = manifest["files"]["model.safetensors"]["sha256"]
    assert answer_store.model_fingerprint(smollm)["weights_sha256"] == weights


def test_a_damaged_answer_file_is_generated_again(tiny_lm, facts, tmp_path):
    evaluate(tiny_lm, facts, answers_dir=tmp_path, **QUICK)
    for file in tmp_path.glob("*.json"):
        file.write_text("{not json")
    assert evaluate(tiny_lm, facts, answers_dir=tmp_path, **QUICK).n_generated == 2


# ---- a read-only shared RSEAI_CACHE, as the JupyterHub section of the README sets it up -----------

IN_READ_ONLY = """
import json, os, sys, warnings
from rseai import lm
from rseai.data import load_facts
from rseai.hallucination import evaluate

quick = dict(n_samples=1, max_new_tokens=3, progress=False)
model, facts, out = lm.load_model(), load_facts().head(3), {}
out["first"] = evaluate(model, facts, **quick).n_generated   # 2 from the shared answers
out["again"] = evaluate(model, facts, **quick).n_generated
os.environ["RSEAI_ANSWERS"] = sys.argv[1]                     # inside the read-only folder
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    out["unwritable"] = evaluate(model, facts, seed=1, **quick).n_generated
out["warnings"] = [str(w.message) for w in caught]
print(json.dumps(out))
"""
_MOUNT_RO = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'


def _run_read_only(folder: Path, argv: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run ``argv`` with ``folder`` really read-only: a read-only bind mount in a private mount
    namespace as root (root ignores permission bits), plain permission bits otherwise."""
    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
        try:
            return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        finally:
            subprocess.run(["chmod", "-R", "u+w", str(folder)], check=True)
    prefix = ["unshare", "--mount", "--propagation", "private", "sh", "-c", _MOUNT_RO, str(folder)]
    probe_run = subprocess.run([*prefix, "sh", "-c", "! touch \"$0/x\" 2>/dev/null", str(folder)],
                               capture_output=True, text=True)
    if probe_run.returncode != 0:
        reason = f"cannot mount a folder read-only here (root without CAP_SYS_ADMIN?): {probe_run.stderr}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return subprocess.run([*prefix, *argv], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_notebook_02_on_a_read_only_shared_cache(tmp_path, tiny_conversion, monkeypatch):
    """The model and an instructor's answers on a read-only share: evaluate reads them, writes the
    answers it has to make to the user's own cache, and only warns when that is read-only too."""
    shared = tmp_path / "srv"
    monkeypatch.setenv(model_files.STORE_ENV, str(shared / "cache"))
    monkeypatch.setenv(answer_store.ANSWERS_ENV, str(shared / "answers"))
    evaluate(lm.load_model(), load_facts().head(2), **QUICK)  # the instructor's run before class
    before = sorted(str(p.relative_to(shared)) for p in shared.rglob("*"))
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in (answer_store.ANSWERS_ENV, "XDG_CACHE_HOME")}
    env.update({model_files.STORE_ENV: str(shared / "cache"), "HOME": str(home),
                answer_store.SHARED_ANSWERS_ENV: str(shared / "answers")})
    run = _run_read_only(shared, [sys.executable, "-c", IN_READ_ONLY, str(shared / "mine")], env)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.splitlines()[-1])
    assert out["first"] == 1 and out["again"] == 0
    assert out["unwritable"] == 3 and len(out["warnings"]) == 1
    assert "answers were not stored" in out["warnings"][0] and "RSEAI_ANSWERS" in out["warnings"][0]
    assert sorted(str(p.relative_to(shared)) for p in shared.rglob("*")) == before  # nothing written
    written = list((home / ".cache" / "rseai" / "answers" / model_files.MODEL_NAME).glob("*.json"))
    assert len(written) == 1
    shutil.rmtree(shared)


def test_load_answers_reads_what_evaluate_and_save_answers_wrote(smollm, tmp_path, facts, monkeypatch):
    from rseai.hallucination import build_prompt
    from rseai.hallucination.asking import AnswerText, load_answers, save_answers

    row = facts.head(1)
    result = evaluate(smollm, row, n_samples=2, seed=0, max_new_tokens=3, answers_dir=tmp_path,
                      progress=False)
    prompt = build_prompt(smollm, row["question"].iloc[0])
    options = dict(seed=0, temperature=0.7, max_new_tokens=3, answers_dir=tmp_path)
    greedy, samples = load_answers(smollm, prompt, n_samples=2, **options)
    assert greedy.text == result.table["answer"].iloc[0] and samples == result.table["samples"].iloc[0]
    assert load_answers(smollm, prompt, n_samples=2, **{**options, "seed": 1}) is None  # other settings
    assert load_answers(smollm, prompt, n_samples=3, **options) is None
    mine = AnswerText("Tokyo.", ["Tok", "yo", "."], [0.5, 0.9, 0.8])
    assert save_answers(smollm, "my prompt", mine, ["Tokyo", "Kyoto"], **options)
    assert load_answers(smollm, "my prompt", n_samples=2, **options) == (mine, ["Tokyo", "Kyoto"])
    with pytest.raises(ValueError, match="n_samples"):
        load_answers(smollm, prompt, n_samples=0, **options)
    with pytest.raises(ValueError, match="temperature"):
        load_answers(smollm, prompt, n_samples=2, **{**options, "temperature": 0})
    blocker = tmp_path / "a file"
    blocker.write_text("")
    with pytest.raises(ValueError, match="answers_dir"):
        save_answers(smollm, "p", mine, ["a", "b"], **{**options, "answers_dir": blocker / "sub"})
    monkeypatch.setenv(answer_store.ANSWERS_ENV, str(blocker / "sub"))       # the user's folder: not writable
    assert not save_answers(smollm, "p", mine, ["a", "b"], **{**options, "answers_dir": None})


def test_a_tokenizer_that_cannot_be_memoised_is_hashed_each_time(tiny_lm, monkeypatch):
    real = tiny_lm.tokenizer

    class Unhashable:  # defines __eq__, so Python gives it no __hash__
        backend_tokenizer = real.backend_tokenizer
        chat_template = None

        def __len__(self):
            return len(real)

        def __eq__(self, other):
            return False

    monkeypatch.setattr(tiny_lm, "tokenizer", Unhashable())
    first = answer_store.model_fingerprint(tiny_lm)["tokenizer_sha256"]
    assert first == answer_store.model_fingerprint(tiny_lm)["tokenizer_sha256"]
    monkeypatch.setattr(tiny_lm, "tokenizer", real)
    assert answer_store.model_fingerprint(tiny_lm)["tokenizer_sha256"] != first  # with the chat template


# ---- notebook 06's detector statistics (token_stats(..., store=True)) in the same store ------------

TEXTS = ["The cat sat on the mat. It was warm.", "A dog ran. It was fast and happy.", "One more text here."]


@pytest.fixture
def forward_calls(monkeypatch, tmp_path):
    """Counts the forward passes of rseai.detection.scores; the store in tmp_path/answers."""
    from rseai.detection import scores

    calls, real = [], scores._forward_stats
    monkeypatch.setattr(scores, "_forward_stats", lambda lm, seqs: calls.append(len(seqs)) or real(lm, seqs))
    monkeypatch.setenv(answer_store.ANSWERS_ENV, str(tmp_path / "answers"))
    monkeypatch.delenv(answer_store.SHARED_ANSWERS_ENV, raising=False)
    return calls


def _same(a, b) -> bool:
    fields = ("text", "token_ids", "log_prob", "log_rank", "expected", "variance", "sentence")
    return len(a) == len(b) and all(
        np.array_equal(getattr(x, f), getattr(y, f)) and np.asarray(getattr(x, f)).dtype
        == np.asarray(getattr(y, f)).dtype for x, y in zip(a, b) for f in fields)


def test_stored_token_stats_are_the_computed_ones_and_a_rerun_reads_them(tiny_lm, forward_calls, tmp_path):
    from rseai.detection import token_stats

    fresh = token_stats(tiny_lm, TEXTS, batch_size=2)
    assert forward_calls == [2, 1]
    assert _same(token_stats(tiny_lm, TEXTS, batch_size=2, store=True), fresh) and len(forward_calls) == 4
    assert _same(token_stats(tiny_lm, TEXTS, batch_size=2, store=True), fresh) and len(forward_calls) == 4
    assert [p.suffix for p in (tmp_path / "answers").rglob("*") if p.is_file()] == [".npy"]  # no temp file
    token_stats(tiny_lm, TEXTS, batch_size=3, store=True)  # other batches round otherwise: not served
    token_stats(tiny_lm, TEXTS[:2], batch_size=2, store=True)
    assert forward_calls[4:] == [3, 2]
    with pytest.raises(TypeError, match="store"):
        token_stats(tiny_lm, TEXTS, store=1)


def test_edited_scoring_code_misses_the_stored_stats(tiny_lm, forward_calls, tmp_path, monkeypatch):
    from rseai.detection import token_stats

    assert answer_store.SCORING_MODULES == ("rseai.lm.model", "rseai.detection.scores")
    module = tmp_path / "code" / "rseai_probe_scores_copy.py"
    module.parent.mkdir()
    module.write_text(Path(ROOT / "rseai" / "detection" / "scores.py").read_text())
    monkeypatch.syspath_prepend(str(module.parent))
    monkeypatch.setattr(answer_store, "SCORING_MODULES", (*answer_store.SCORING_MODULES, module.stem))
    token_stats(tiny_lm, TEXTS, batch_size=8, store=True)
    token_stats(tiny_lm, TEXTS, batch_size=8, store=True)
    assert forward_calls == [3]
    module.write_text(module.read_text() + "# an edit that changes no behaviour still misses\n")
    token_stats(tiny_lm, TEXTS, batch_size=8, store=True)
    assert forward_calls == [3, 3]


def test_new_weights_or_another_cpu_path_miss_the_stored_stats(tiny_lm, forward_calls, tmp_path, smollm,
                                                                monkeypatch):
    import torch

    from rseai.detection import token_stats

    before = token_stats(tiny_lm, TEXTS, batch_size=8, store=True)
    tiny_llama(smollm.vocab_size, seed=1).save_pretrained(tmp_path / "tiny")  # same name, new weights
    retrained = lm.load_model(str(tmp_path / "tiny"))
    assert not _same(token_stats(retrained, TEXTS, store=True), before)
    assert forward_calls == [3, 3]
    real = torch.backends.cpu.get_cpu_capability()
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: real + "-other")
    token_stats(tiny_lm, TEXTS, batch_size=8, store=True)  # as under ATEN_CPU_CAPABILITY=default
    assert forward_calls == [3, 3, 3]


def test_stats_from_a_shared_store_and_a_damaged_entry(tiny_lm, forward_calls, tmp_path, monkeypatch):
    from rseai.detection import token_stats

    fresh = token_stats(tiny_lm, TEXTS, store=True)  # the instructor's run
    monkeypatch.setenv(answer_store.SHARED_ANSWERS_ENV, str(tmp_path / "answers"))
    monkeypatch.setenv(answer_store.ANSWERS_ENV, str(tmp_path / "mine"))
    assert _same(token_stats(tiny_lm, TEXTS, store=True), fresh) and forward_calls == [3]
    (entry,) = (tmp_path / "answers").rglob("*.npy")
    entry.write_bytes(entry.read_bytes()[:100])  # cut short
    assert _same(token_stats(tiny_lm, TEXTS, store=True), fresh) and forward_calls == [3, 3]
    (mine,) = (tmp_path / "mine").rglob("*.npy")  # written to the participant's own store
    assert mine.name == entry.name
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv(answer_store.ANSWERS_ENV, str(blocker / "sub"))  # not writable: computed, no error
    monkeypatch.setenv(answer_store.SHARED_ANSWERS_ENV, "")
    assert _same(token_stats(tiny_lm, TEXTS, store=True), fresh) and forward_calls == [3, 3, 3]


DAMAGED = ['{"greedy": {"text": 5, "tokens": 3, "probs": "z"}, "samples": ["a", "b"]}',
           '{"greedy": {"text": "a"}, "samples": "ab"}', "[" * 100_000, "{not json"]


@pytest.mark.parametrize("damaged", DAMAGED, ids=["wrong types", "samples a text", "too deep", "not json"])
def test_a_damaged_entry_is_read_from_the_shared_store_instead(tiny_lm, tmp_path, monkeypatch, damaged):
    from rseai.hallucination.asking import AnswerText, generation_settings, load_answers, save_answers

    options = dict(seed=0, temperature=0.7, max_new_tokens=8)
    mine, shared = tmp_path / "mine", tmp_path / "shared"
    store = answer_store.AnswerStore(tiny_lm)
    good = AnswerText("Tokyo", ["␣Tokyo"], [0.9])
    assert save_answers(tiny_lm, "p", good, ["Tokyo", "Kyoto"], answers_dir=shared / store.folder.name,
                        **options)
    monkeypatch.setenv("RSEAI_ANSWERS", str(mine))
    monkeypatch.setenv("RSEAI_SHARED_ANSWERS", str(shared))
    name = store._name("p", generation_settings(tiny_lm, "p", n_samples=2, **options))
    (mine / store.folder.name).mkdir(parents=True)
    (mine / store.folder.name / name).write_text(damaged)
    assert load_answers(tiny_lm, "p", n_samples=2, **options) == (good, ["Tokyo", "Kyoto"])
