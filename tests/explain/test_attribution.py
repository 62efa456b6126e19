"""Occlusion through Captum: the batched drops equal one forward pass per occluded prompt and
Captum's own LLMAttribution; targets must be single tokens; the Parliament prompt turns the model
to Canberra."""

import numpy as np
import pytest

from rseai.explain.attribution import occlusion, target_id


def _log_probs(lm, ids):
    logits = lm.logits_for(ids)
    return logits - logits.max() - np.log(np.exp(logits - logits.max()).sum())


def test_batched_occlusion_equals_one_pass_per_occluded_prompt(smollm):
    prompt = "The capital of Australia is"
    table = occlusion(smollm, prompt, targets=[" Sydney", " Canberra"])
    ids = smollm.encode(prompt)
    assert list(table["token_id"]) == ids and list(table["token"])[1] == "␣capital"
    full = _log_probs(smollm, ids)
    for target in (" Sydney", " Canberra"):
        t = target_id(smollm, target)
        expected = [full[t] - _log_probs(smollm, ids[:i] + ids[i + 1:])[t] for i in range(len(ids))]
        assert np.allclose(table[target], expected, rtol=0, atol=2e-5), target
        assert table.attrs["probs"][target] == pytest.approx(np.exp(full[t]), rel=1e-4)


def test_a_word_about_government_pushes_towards_canberra(smollm):
    prompt = "The Australian Parliament sits in the capital,"
    table = occlusion(smollm, prompt, targets=[" Sydney", " Canberra"])
    row = table.set_index("token").loc["␣Parliament"]
    assert row[" Canberra"] > 0 > row[" Sydney"]
    assert table.attrs["probs"][" Canberra"] > 0.5 > table.attrs["probs"][" Sydney"]


@pytest.mark.parametrize("targets, error, match", [
    (["Sydney"], ValueError, r"one token .* 'Sydney', which is 3 tokens \(did you mean ' Sydney'"),
    ([" Wagga Wagga"], ValueError, r"got ' Wagga Wagga', which is \d tokens$"),
    ([" Sydney", " Sydney"], ValueError, "targets must be different tokens"),
    ([""], ValueError, "targets must contain some text"),
    ([3], TypeError, "targets must hold only strings"),
    ([], ValueError, "targets must hold at least one name"),
])
def test_bad_targets_are_refused(smollm, targets, error, match):
    with pytest.raises(error, match=match):
        occlusion(smollm, "The capital of Australia is", targets=targets)


def test_bad_prompts_are_refused(smollm):
    with pytest.raises(ValueError, match="prompt must have at least two tokens"):
        occlusion(smollm, "Hello", targets=[" world"])
    with pytest.raises(ValueError, match="prompt must contain some text"):
        occlusion(smollm, "  ", targets=[" world"])
    with pytest.raises(TypeError, match="lm must be a LanguageModel"):
        occlusion(None, "The capital of Australia is", targets=[" Sydney"])


def test_equals_captums_llm_attribution_with_removed_tokens(smollm):
    """Captum's LLMAttribution (one forward pass per removed token, one call per target) agrees."""
    from captum.attr import FeatureAblation, LLMAttribution, TextTemplateInput

    prompt = "The capital of Australia is"
    table = occlusion(smollm, prompt, targets=[" Sydney", " Canberra"])
    ids = smollm.encode(prompt)
    pieces = [smollm.tokenizer.decode([i]) for i in ids]
    inp = TextTemplateInput("{}" * len(ids), values=pieces, baselines=[""] * len(ids))
    assert smollm.tokenizer.encode(inp.to_model_input(), return_tensors="pt")[0].tolist() == ids
    llm = LLMAttribution(FeatureAblation(smollm.model), smollm.tokenizer)
    for target in (" Sydney", " Canberra"):
        result = llm.attribute(inp, target=target, forward_in_tokens=False)
        assert np.allclose(table[target], result.seq_attr.numpy(), rtol=0, atol=5e-5), target


def test_removals_go_in_batches_of_bounded_tokens_and_give_the_same_drops(smollm, monkeypatch):
    """Memory per forward pass is bounded by BATCH_TOKENS, not n² (issue 27: 400 tokens passed 6 GB)."""
    import rseai.lm.decode as decode
    from rseai.explain import attribution

    prompt = "The Australian Parliament sits in the capital city of the country, which is"
    n = len(smollm.encode(prompt))
    whole = occlusion(smollm, prompt, targets=[" Canberra"])  # default: 2,048 tokens, one batch here
    sizes = []
    real = decode.decode_batch

    def counting(model, prompts, **kwargs):
        sizes.append(len(prompts) * max(len(p) for p in prompts))
        return real(model, prompts, **kwargs)

    monkeypatch.setattr(decode, "decode_batch", counting)
    monkeypatch.setattr(attribution, "BATCH_TOKENS", 3 * (n - 1))
    chunked = occlusion(smollm, prompt, targets=[" Canberra"])
    assert n >= 12 and len(sizes) >= 1 + n // 3  # the full prompt, then the removals 3 at a time
    assert max(sizes[1:]) <= 3 * (n - 1)
    assert np.allclose(chunked[" Canberra"], whole[" Canberra"], rtol=0, atol=2e-5)
    assert chunked.attrs["probs"][" Canberra"] == pytest.approx(whole.attrs["probs"][" Canberra"], rel=1e-4)
    monkeypatch.setattr(attribution, "BATCH_TOKENS", 1)  # below one prompt: one removal per pass
    sizes.clear()
    occlusion(smollm, "The capital of Australia is", targets=[" Sydney"])
    assert len(sizes) == 1 + len(smollm.encode("The capital of Australia is"))
