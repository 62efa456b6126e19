"""Against a real hub: no participant reaches another's server, files or the shared model."""

from __future__ import annotations

import os
import stat

import requests


def test_a_gets_403_for_b_server_and_200_for_her_own(hub):
    own = requests.get(f"{hub.url}/user/{hub.a.name}/api/kernels",
                       headers={"Authorization": f"token {hub.a.token}"}, timeout=30)
    other = requests.get(f"{hub.url}/user/{hub.b.name}/api/kernels",
                         headers={"Authorization": f"token {hub.a.token}"}, timeout=30)
    assert own.status_code == 200
    assert other.status_code == 403


def test_homes_are_private_and_get_the_student_notebooks(hub):
    home = f"/home/{hub.a.name}"
    info = os.stat(home)
    assert stat.S_IMODE(info.st_mode) == 0o700
    notebooks = sorted(os.listdir(f"{home}/rseai-notebooks"))
    assert "01_next_token_probabilities.ipynb" in notebooks and len(notebooks) >= 6
    assert os.stat(f"{home}/rseai-notebooks/{notebooks[0]}").st_uid == info.st_uid  # hers, not root's
    text = open(f"{home}/rseai-notebooks/01_next_token_probabilities.ipynb").read()
    assert "YOUR CODE HERE" in text  # the student version, solutions stubbed


def test_permission_denied_for_b_files_from_a_kernel(hub, kernels):
    ka, kb, _ = kernels
    path = f"/home/{hub.b.name}/rseai-notebooks/01_next_token_probabilities.ipynb"
    assert kb.execute(f"print(len(open({path!r}).read()) > 0)").stdout == "True\n"  # b reads her own
    for code in (f"open({path!r}).read()", f"import os; os.listdir('/home/{hub.b.name}')",
                 f"open('/home/{hub.b.name}/note.txt', 'w')"):
        result = ka.execute(code)
        assert result.error.startswith("PermissionError: [Errno 13] Permission denied"), (code, result)


def test_the_shared_model_cache_cannot_be_written(hub, kernels):
    ka, _, _ = kernels
    find = ka.execute("import os; from rseai.ops.model_files import model_dir; print(model_dir())")
    folder = find.stdout.strip()
    assert folder.startswith(str(hub.folder / "cache")), find
    for code in (f"open({folder + '/model.safetensors'!r}, 'r+b')",
                 f"open({folder + '/new.txt'!r}, 'w')",
                 f"import os; os.remove({folder + '/model.safetensors'!r})",
                 f"import os; os.rename({folder!r}, {folder + '-x'!r})"):
        result = ka.execute(code)
        assert result.error.startswith("PermissionError"), (code, result)


def test_a_kernel_sizes_its_threads_to_its_share(kernels):
    ka, _, _ = kernels
    result = ka.execute("from rseai.ops.threads import size_threads\nprint(size_threads().describe())")
    assert result.stdout.strip() == "1 thread: CPU_LIMIT=1.0", result


def test_a_system_account_name_is_refused(hub):
    hub.api("POST", "/users/daemon")
    try:
        reply = requests.post(f"{hub.url}/hub/api/users/daemon/server", timeout=60,
                              headers={"Authorization": f"token {hub.token}"})
        assert reply.status_code >= 400
        assert "'daemon' is a system account" in hub.log.read_text()
    finally:
        hub.api("DELETE", "/users/daemon")


def test_the_hub_runs_the_workshop_sign_up_and_the_idle_culler(hub):
    signup = requests.get(f"{hub.url}/hub/signup", timeout=30)
    assert signup.status_code == 200 and "signup_password" in signup.text  # NativeAuthenticator's form
    services = hub.api("GET", "/services")
    assert "idle-culler" in services
    assert "(idle-culler@127.0.0.1)" in hub.log.read_text()  # it is running and asking the hub


def test_a_participant_lands_in_jupyterlab_with_the_widgets(hub):
    # the hub's default URL: JupyterLab's page, whose config lists the ipywidgets extension
    page = requests.get(f"{hub.url}/user/{hub.a.name}/lab/tree/rseai-notebooks",
                        headers={"Authorization": f"token {hub.a.token}"}, timeout=60)
    assert page.status_code == 200, page.status_code
    assert "@jupyter-widgets/jupyterlab-manager" in page.text
