"""rseai.carbon.measure: track() measures real work offline, writes nothing, falls back, never crashes."""

import os
import subprocess
import sys
import textwrap
import time

import pytest

from rseai.carbon import measure as carbon_measure
from rseai.carbon import track


def _busy(seconds):
    end, x = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        x += 1
    return x


def test_track_measures_a_busy_loop(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t0 = time.perf_counter()
    with track(country="France") as m:
        _busy(0.6)
    wall = time.perf_counter() - t0
    assert m.energy_kwh > 0 and m.cpu_energy_kwh > 0
    assert 0.6 <= m.duration_s <= wall * 1.05
    assert m.country == "France" and m.intensity_g_per_kwh == pytest.approx(56.0, abs=0.1)
    assert m.co2e_kg == pytest.approx(m.energy_kwh * m.intensity_g_per_kwh / 1000)
    assert set(m.methods) == {"CPU", "RAM", "GPU"} and m.methods["CPU"] != "not tracked"
    assert "France" in m.summary() and m.fallback_reason == ""
    assert list(tmp_path.iterdir()) == []  # no emissions.csv, no lock file, nothing


def test_track_uses_rseai_country(monkeypatch):
    monkeypatch.setenv("RSEAI_COUNTRY", "Norway")
    with track() as m:
        _busy(0.05)
    assert m.country == "Norway"


def test_track_never_touches_the_network(tmp_path):
    """A fresh interpreter with every socket call blocked: track still works, nothing was attempted."""
    script = textwrap.dedent("""
        import socket, time
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(args[:2])
            raise OSError("network blocked by test")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from rseai.carbon import track
        with track() as m:
            end = time.perf_counter() + 0.3
            while time.perf_counter() < end:
                pass
        print("ATTEMPTS", len(attempts), "ENERGY", m.energy_kwh > 0, "FALLBACK", repr(m.fallback_reason))
    """)
    env = dict(os.environ, RSEAI_COUNTRY="India")
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ATTEMPTS 0 ENERGY True FALLBACK ''" in out.stdout
    assert list(tmp_path.iterdir()) == []


def test_codecarbon_failure_falls_back_to_a_tdp_estimate(monkeypatch):
    def broken(*args, **kwargs):
        raise PermissionError("/sys/class/powercap/intel-rapl: RAPL unreadable")

    monkeypatch.setattr(carbon_measure, "_codecarbon_tracker", broken)
    c0 = time.process_time()
    with track(country="India") as m:
        _busy(0.3)
    cpu_s = time.process_time() - c0
    assert m.energy_kwh > 0 and m.duration_s >= 0.3
    assert "TDP estimate" in m.methods["CPU"] and "RAPL unreadable" in m.fallback_reason
    # fallback: this process's CPU-seconds x 4 W per busy thread (on a shared machine CPU < wall)
    assert m.cpu_energy_kwh * 3.6e6 == pytest.approx(4.0 * cpu_s, rel=0.1)
    assert "Fallback because" in m.summary()


def test_a_tracker_that_fails_on_stop_also_falls_back(monkeypatch):
    class StopFails:
        def start(self):
            pass

        def stop(self):
            raise RuntimeError("NVML went away")

    monkeypatch.setattr(carbon_measure, "_codecarbon_tracker", lambda *a, **k: StopFails())
    with track() as m:
        _busy(0.1)
    assert "NVML went away" in m.fallback_reason and m.energy_kwh > 0


def test_errors_in_the_block_propagate_and_are_still_measured():
    with pytest.raises(ZeroDivisionError):
        with track() as m:
            _busy(0.1)
            raise ZeroDivisionError("inside the tracked block")
    assert m.duration_s >= 0.1 and m.energy_kwh > 0


@pytest.mark.parametrize("kwargs, error, match", [
    ({"country": "Atlantis"}, ValueError, "closest names"),
    ({"measure_power_secs": 0}, ValueError, "measure_power_secs"),
    ({"tracking_mode": "galaxy"}, ValueError, "tracking_mode"),
    ({"country": 42}, TypeError, "country"),
])
def test_track_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        with track(**kwargs):
            pass


class ReadOnly:
    """A tokenizer that can be read but not changed (padding side, pad token, anything)."""

    def __init__(self, tokenizer):
        object.__setattr__(self, "_tokenizer", tokenizer)

    def __getattr__(self, name):
        return getattr(self._tokenizer, name)

    def __call__(self, *args, **kwargs):
        return self._tokenizer(*args, **kwargs)

    def __setattr__(self, name, value):
        raise AssertionError(f"measure_generation changed the shared tokenizer's {name}")


def test_measure_generation_counts_tokens_and_leaves_the_tokenizer_alone(smollm):
    side, pad = smollm.tokenizer.padding_side, smollm.tokenizer.pad_token
    prompts = ["The sky is", "Two plus two is"]
    g = carbon_measure.measure_generation(smollm.model, ReadOnly(smollm.tokenizer), prompts, max_new_tokens=3,
                                          country="India")
    assert g.batch_size == 2 and g.new_tokens == 6
    assert g.j_per_token == pytest.approx(g.measurement.energy_j / 6) and g.j_per_token > 0
    assert g.tokens_per_s > 0
    assert (smollm.tokenizer.padding_side, smollm.tokenizer.pad_token) == (side, pad)


def test_measure_generation_decodes_with_the_one_loop(smollm, monkeypatch):
    """The tokens it counts are the greedy tokens of rseai.lm.decode, for prompts of different lengths."""
    from rseai.lm import decode

    seen, real = [], decode.decode_batch

    def spy(model, prompts, **options):
        seen.append((prompts, options["choose"], options["max_new_tokens"]))
        return real(model, prompts, **options)

    monkeypatch.setattr(decode, "decode_batch", spy)
    prompts = ["Hi", "The capital of France is"]
    g = carbon_measure.measure_generation(smollm.model, smollm.tokenizer, prompts, max_new_tokens=2)
    [(ids, choose, n)] = seen
    assert ids == [smollm.tokenizer(p)["input_ids"] for p in prompts] and choose is decode.greedy and n == 2
    assert g.new_tokens == 4


@pytest.mark.parametrize("prompts, error", [([], ValueError), ("just a string", ValueError),
                                            (["ok", ""], ValueError), ([3], TypeError),
                                            (["bad \ud800"], ValueError)])
def test_measure_generation_rejects_bad_prompts(prompts, error):
    with pytest.raises(error, match="prompts"):
        carbon_measure.measure_generation(None, None, prompts)


def test_measure_generation_rejects_bad_token_counts(smollm):
    with pytest.raises(ValueError, match="max_new_tokens must be an int >= 1"):
        carbon_measure.measure_generation(None, None, ["hi"], max_new_tokens=0)
    with pytest.raises(ValueError, match="max_new_tokens must be at most 8,19"):
        carbon_measure.measure_generation(smollm.model, smollm.tokenizer, ["hi"], max_new_tokens=10**6)
    with pytest.raises(ValueError, match=r"prompts\[1\] has 3,00\d tokens, more than the 1,024"):
        carbon_measure.measure_generation(smollm.model, smollm.tokenizer, ["hi", "hi " * 3000])


def test_methods_are_named_from_codecarbons_hardware():
    class CPU:
        _mode = "intel_rapl"

    class NvidiaGPUDevice:
        pass

    class AMDGPUDevice:
        pass

    class Devices:
        def __init__(self, device):
            self.devices = [device]

    class GPU:
        def __init__(self, device):
            self.devices = Devices(device)

    class RAM:
        pass

    class Tracker:
        _hardware = [CPU(), RAM(), GPU(NvidiaGPUDevice())]

    assert carbon_measure._methods_from(Tracker()) == {"CPU": "RAPL", "RAM": "power model estimate",
                                                       "GPU": "NVML"}
    Tracker._hardware = [GPU(AMDGPUDevice())]
    assert carbon_measure._methods_from(Tracker())["GPU"] == "AMD SMI"
